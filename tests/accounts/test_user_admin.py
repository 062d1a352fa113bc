"""Every change the user admin makes (details, flags, groups, password, deletion) goes through a service in
accounts/services.py that checks the permission and records one audit event; a save that changes nothing
records none (spec README §6). The password reaches the log only as a fact, never as a value or a hash."""

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import User
from accounts.services import USER_FIELDS, user_delete, user_save
from core.audit import verify_chain
from core.models import AuditEvent
from tests.factories import UserFactory, staff_with
from tests.lifecycle import audit_events

NEW_PASSWORD = "Mat-khau-moi@2026"


def _change_form(user: User, **overrides) -> dict:
    """The person's admin page as submitted: their details and flags as they are, no position rows."""
    data = {
        "username": user.username, "full_name": user.full_name, "employee_code": user.employee_code or "",
        "email": user.email, "groups": [group.pk for group in user.groups.all()],
        "positions-TOTAL_FORMS": "0", "positions-INITIAL_FORMS": "0",
        "positions-MIN_NUM_FORMS": "0", "positions-MAX_NUM_FORMS": "1000",
    }
    data.update({flag: "on" for flag in ("is_active", "is_staff", "is_superuser") if getattr(user, flag)})
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


@pytest.fixture
def clerks(db) -> Group:
    return Group.objects.create(name="Văn thư")


def test_granting_staff_superuser_and_a_group_is_one_event_with_old_and_new(admin_client, admin_user, head, clerks):
    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[head.pk]),
        _change_form(head, is_staff="on", is_superuser="on", groups=[clerks.pk]),
    )

    assert response.status_code == 302, response.context["errors"] if response.context else response
    head.refresh_from_db()
    assert head.is_staff and head.is_superuser and list(head.groups.all()) == [clerks]
    [event] = audit_events()
    assert (event.action, event.actor, event.role) == ("user_update", admin_user, "admin")
    assert (event.object_type, event.object_id) == ("accounts.user", str(head.pk))
    assert event.payload == {
        "changes": {"is_staff": [False, True], "is_superuser": [False, True], "groups": [[], ["Văn thư"]]},
    }
    assert verify_chain() == (1, None)


def test_locking_an_account_and_leaving_its_group_is_recorded(admin_client, head, clerks):
    head.groups.add(clerks)

    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[head.pk]), _change_form(head, is_active=None, groups=[])
    )

    assert response.status_code == 302
    head.refresh_from_db()
    assert not head.is_active and not head.groups.exists()
    [event] = audit_events("user_update")
    assert event.payload == {"changes": {"is_active": [True, False], "groups": [["Văn thư"], []]}}


def test_saving_a_person_unchanged_records_nothing(admin_client, head, clerks):
    head.groups.add(clerks)
    date_joined = head.date_joined

    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[head.pk]),
        # The times are recorded by the system: read-only on the page, so a submitted value is ignored.
        _change_form(head, date_joined_0="01/01/2020", date_joined_1="08:00"),
    )

    assert response.status_code == 302
    head.refresh_from_db()
    assert head.date_joined == date_joined
    assert not AuditEvent.objects.exists()


def test_a_person_added_in_the_admin_is_recorded_without_the_password(admin_client, admin_user):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {"username": "vanthu2", "full_name": "Nguyễn Văn Thư", "email": "vanthu2@example.gov.vn",
         "usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
         "positions-TOTAL_FORMS": "0", "positions-INITIAL_FORMS": "0"},
    )

    assert response.status_code == 302, response.context["errors"] if response.context else response
    user = User.objects.get(username="vanthu2")
    assert user.check_password(NEW_PASSWORD)
    [event] = audit_events()
    assert (event.action, event.actor, event.object_id) == ("user_create", admin_user, str(user.pk))
    assert event.payload["password"] == "set"
    assert event.payload["changes"]["username"] == [None, "vanthu2"]
    assert event.payload["changes"]["is_superuser"] == [None, False]
    assert NEW_PASSWORD not in str(event.payload) and user.password not in str(event.payload)
    assert verify_chain() == (1, None)


def test_a_password_set_in_the_admin_is_recorded_as_a_fact_only(admin_client, admin_user, head):
    old_hash = head.password

    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[head.pk]),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    head.refresh_from_db()
    assert head.check_password(NEW_PASSWORD)
    [event] = audit_events()
    assert (event.action, event.actor, event.object_id) == ("user_update", admin_user, str(head.pk))
    assert event.payload == {"changes": {}, "password": "set"}
    assert not any(secret in str(event.payload) for secret in (NEW_PASSWORD, head.password, old_hash))
    assert verify_chain() == (1, None)


def test_disabling_password_sign_in_is_recorded(admin_client, head):
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[head.pk]), {"usable_password": "false", "unset-password": "1"}
    )

    assert response.status_code == 302
    head.refresh_from_db()
    assert not head.has_usable_password()
    [event] = audit_events("user_update")
    assert event.payload == {"changes": {}, "password": "unusable"}


def test_a_refused_password_form_records_nothing(admin_client, head):
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[head.pk]),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": "khac"},
    )

    assert response.status_code == 200
    assert not AuditEvent.objects.exists()


def test_deleting_people_in_the_admin_is_recorded_and_a_person_with_positions_stays(
    admin_client, admin_user, head, clerks
):
    mistaken = UserFactory(username="nhamlan1", is_staff=True)
    mistaken.groups.add(clerks)
    another = UserFactory(username="nhamlan2")

    protected = admin_client.post(reverse("admin:accounts_user_delete", args=[head.pk]), {"post": "yes"})
    single = admin_client.post(reverse("admin:accounts_user_delete", args=[mistaken.pk]), {"post": "yes"})
    bulk = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [another.pk], "post": "yes"},
    )

    assert protected.status_code == 200  # the page naming the position that protects the person
    assert (single.status_code, bulk.status_code) == (302, 302)
    assert User.objects.filter(pk=head.pk).exists()
    assert not User.objects.filter(pk__in=[mistaken.pk, another.pk]).exists()
    deleted, bulk_deleted = audit_events("user_delete")
    assert (deleted.actor, deleted.object_id, bulk_deleted.object_id) == (admin_user, str(mistaken.pk), str(another.pk))
    assert deleted.payload["values"]["username"] == "nhamlan1" and deleted.payload["values"]["is_staff"] is True
    assert deleted.payload["values"]["groups"] == ["Văn thư"]
    assert "password" not in deleted.payload["values"]
    assert verify_chain() == (2, None)


def test_staff_without_the_change_permission_cannot_change_a_person_in_the_admin(client, head):
    viewer = staff_with("xemthoi", "accounts.view_user")
    client.force_login(viewer)

    change = client.post(reverse("admin:accounts_user_change", args=[head.pk]), _change_form(head, is_superuser="on"))
    password = client.post(
        reverse("admin:auth_user_password_change", args=[head.pk]),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert (change.status_code, password.status_code) == (403, 403)
    head.refresh_from_db()
    assert not head.is_superuser and not head.check_password(NEW_PASSWORD)
    assert not AuditEvent.objects.exists()


def test_the_user_services_check_the_model_permissions(head, clerks):
    clerk = staff_with("lich", "core.change_calendarday", "accounts.view_user")
    head.is_superuser = True

    with pytest.raises(PermissionDenied):
        user_save(user=head, by=clerk)
    with pytest.raises(PermissionDenied):
        user_save(user=User.objects.get(pk=head.pk), by=clerk, groups=[clerks])
    with pytest.raises(PermissionDenied):
        user_save(user=User(username="moi", full_name="Người mới"), by=clerk)
    with pytest.raises(PermissionDenied):
        user_delete(user=head, by=clerk)

    head.refresh_from_db()
    assert not head.is_superuser and not head.groups.exists()
    assert not User.objects.filter(username="moi").exists()
    assert not AuditEvent.objects.exists()


def test_permissions_given_through_the_service_are_recorded_by_name(admin_user, head):
    change_position = Permission.objects.get(content_type__app_label="accounts", codename="change_position")

    user_save(user=head, by=admin_user, user_permissions=[change_position])
    user_save(user=head, by=admin_user, user_permissions=[change_position])  # again: nothing to record

    assert list(head.user_permissions.all()) == [change_position]
    [event] = audit_events()
    assert event.payload == {"changes": {"user_permissions": [[], ["accounts.change_position"]]}}
    assert verify_chain() == (1, None)


def test_every_field_the_user_admin_edits_is_recorded_by_the_service():
    # `user_save` writes and records the fields it knows: one added to the page must be added there too.
    user_admin = admin.site._registry[User]
    edited = set(flatten_fieldsets(user_admin.fieldsets)) - set(user_admin.readonly_fields)
    added = set(flatten_fieldsets(user_admin.add_fieldsets))
    recorded = {*USER_FIELDS, "groups", "user_permissions"}
    # The password is shown as its hash, read-only: it is changed on its own page, through `user_save` too.
    assert edited - {"password"} <= recorded
    assert added - {"password1", "password2"} <= recorded
