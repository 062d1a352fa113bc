"""The admin of the legal profile (each save is a new version) and of the deciding unit's records (read only,
superusers only, no vote of an open meeting shown).

Personas (tests/conftest.py): the head (giám đốc) and two deputies of the Sở Nội vụ, its secretariat, a
proposer on its staff, an outsider in the Sở Tài chính, an admin. The clock stands on Thursday 05/02/2026
09:00 in Hà Nội (tests/approvals/helpers.py).
"""

import datetime
import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from approvals import services
from approvals.models import Consultation, Vote
from core.models import AuditEvent
from proposals.models import LegalProfile, Proposal
from proposals.profiles import SETTINGS_FIELDS
from tests.approvals.helpers import NOW, meeting
from tests.factories import UserFactory
from tests.lifecycle import PDF_BYTES, as_, sha256, submitted_proposal

pytestmark = pytest.mark.frozen_at(NOW)


def profile_form_data(profile: LegalProfile, **changes) -> dict:
    """The admin form as the newest version fills it: every setting, booleans ticked only when true."""
    data = {}
    for name in SETTINGS_FIELDS:
        value = getattr(profile, name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, datetime.date):
            data[name] = value.strftime("%d/%m/%Y")
        elif name == "reminder_offsets_wd":
            # A JSON field typed as text; its callable default makes the page post the shown value as well.
            data[name] = data[f"initial-{name}"] = json.dumps(value)
        else:
            data[name] = list(value) if isinstance(value, list) else value
    data.update(changes)
    return data


def admin_change(profile) -> str:
    return reverse("admin:proposals_legalprofile_change", args=[profile.pk])


def test_admin_saving_a_profile_creates_version_2_and_earlier_proposals_keep_version_1(submitted, admin_user, proposer):
    v1 = submitted.profile
    client = as_(admin_user)
    assert client.get(admin_change(v1)).status_code == 200
    # D-10: a new version states its legal basis; 60 % departs from the decree's "more than 50 %", confirmed.
    response = client.post(admin_change(v1), profile_form_data(
        v1, approval_threshold_percent=60, legal_basis="Quyết định số 12/2026/QĐ-UBND của Ủy ban nhân dân tỉnh", deviation_confirmed="on",
    ))
    v2 = LegalProfile.objects.get(code=v1.code, version=2)
    assert response.status_code == 302 and response["Location"] == admin_change(v2)
    assert (v2.approval_threshold_percent, v2.created_by, v2.denominator) == (60, admin_user, v1.denominator)
    v1.refresh_from_db()
    assert v1.approval_threshold_percent == 50
    assert LegalProfile.objects.count() == 2
    assert AuditEvent.objects.filter(action="legal_profile_new_version", object_id=str(v2.pk)).exists()
    assert Proposal.objects.get(pk=submitted.pk).profile == v1
    assert submitted_proposal(proposer=proposer, title="Đề xuất nộp sau khi đổi quy định").profile == v2


def test_admin_older_versions_are_read_only_and_nothing_is_deleted(submitted, admin_user):
    v1 = submitted.profile
    client = as_(admin_user)
    client.post(admin_change(v1), profile_form_data(v1, quorum_percent=50, legal_basis="Quyết định số 12/2026/QĐ-UBND của Ủy ban nhân dân tỉnh"))
    assert LegalProfile.objects.filter(version=2).exists()
    page = client.get(admin_change(v1))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(admin_change(v1), profile_form_data(v1, quorum_percent=60, legal_basis="Quyết định số 12/2026/QĐ-UBND của Ủy ban nhân dân tỉnh")).status_code == 403
    assert client.get(reverse("admin:proposals_legalprofile_delete", args=[v1.pk])).status_code == 403
    assert client.get(reverse("admin:proposals_legalprofile_add")).status_code == 403
    assert LegalProfile.objects.count() == 2


def test_admin_saving_without_a_change_creates_nothing(submitted, admin_user):
    v1 = submitted.profile
    response = as_(admin_user).post(admin_change(v1), profile_form_data(v1))
    assert response.status_code == 200
    assert "Không có thay đổi nào" in response.content.decode()
    assert LegalProfile.objects.count() == 1


def test_admin_shows_proposals_and_decisions_read_only(world, admin_user):
    client = as_(admin_user)
    for model in ("proposals/proposal", "proposals/planversion", "proposals/attachment", "approvals/consultation",
                  "approvals/meeting", "approvals/vote", "approvals/decision"):
        app, name = model.split("/")
        assert client.get(reverse(f"admin:{app}_{name}_changelist")).status_code == 200, model
        assert client.get(reverse(f"admin:{app}_{name}_add")).status_code == 403, model
    decision = world["decision"]
    assert client.get(reverse("admin:approvals_decision_change", args=[decision.pk])).status_code == 200
    assert client.post(reverse("admin:approvals_decision_change", args=[decision.pk]), {"text": "x"}).status_code == 403
    assert client.get(reverse("admin:approvals_decision_delete", args=[decision.pk])).status_code == 403


def test_admin_lists_no_vote_of_an_open_meeting_and_refuses_filters_on_the_secret_fields(submitted, head, deputy, deputy2, admin_user):
    opened = meeting(submitted, head, [head, deputy, deputy2], [(deputy, "against", "Lý do còn giữ kín")])
    client = as_(admin_user)
    changelist = reverse("admin:approvals_vote_changelist")

    html = client.get(changelist).content.decode()
    assert "Lý do còn giữ kín" not in html and "Không tán thành" not in html and deputy.get_full_name() not in html
    # Filtering by the hidden fields would tell who voted how by which rows remain.
    for query in ({"choice": "against"}, {"choice__exact": "for"}, {"reason__gt": ""}, {"reason__icontains": "kín"}):
        assert client.get(changelist, query).status_code == 400, query
    vote = Vote.objects.get()
    response = client.get(reverse("admin:approvals_vote_change", args=[vote.pk]))
    assert response.status_code == 302 and "Lý do còn giữ kín" not in response.content.decode()

    services.vote_cast(meeting=opened, by=head, choice="for")
    services.meeting_close(meeting=opened, by=head)
    html = client.get(changelist).content.decode()
    assert "Không tán thành" in html and deputy.get_full_name() in html
    assert "Lý do còn giữ kín" in client.get(reverse("admin:approvals_vote_change", args=[vote.pk])).content.decode()


APPROVALS_MODELS = ("consultation", "meeting", "vote", "decision")


def test_admin_of_the_deciding_units_records_is_for_superusers_only(world, admin_user):
    """Staff granted "view" on these models would read every proposal's decisions, outside the scope rule."""
    staff = UserFactory(username="nhanvienquantri", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="approvals"))
    records = {"consultation": world["consultation"], "meeting": world["meeting"], "vote": Vote.objects.first(),
               "decision": world["decision"]}
    client, superuser = as_(staff), as_(admin_user)

    for name in APPROVALS_MODELS:
        for target in (reverse(f"admin:approvals_{name}_changelist"),
                       reverse(f"admin:approvals_{name}_change", args=[records[name].pk])):
            assert client.get(target).status_code == 403, target
            assert superuser.get(target).status_code == 200, target
    assert reverse("admin:app_list", args=["approvals"]) not in client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:app_list", args=["approvals"]) in superuser.get(reverse("admin:index")).content.decode()


def test_admin_shows_the_hash_of_a_consultation_scan(world, admin_user):
    consultation = Consultation.objects.get(pk=world["consultation"].pk)
    html = as_(admin_user).get(reverse("admin:approvals_consultation_change", args=[consultation.pk])).content.decode()
    assert consultation.document_sha256 == sha256(PDF_BYTES) and consultation.document_sha256 in html
