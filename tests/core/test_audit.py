"""The append-only, hash-chained evidence log (spec README §6).

On SQLite nothing below the ORM protects the table, so tampering is simulated with raw SQL. On PostgreSQL
the `audit_append_only` trigger refuses that same SQL, even with `pgtrigger.ignore` set; the tests show the
refusal, then switch triggers off (as only a database superuser can: tests/core/test_audit_roles.py) to show that
the chain still reveals it.
"""

import datetime
import io
import json
import threading

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.test import RequestFactory
from django.urls import reverse

from core.audit import GENESIS_HASH, BrokenLink, audit_context, audit_record, compute_hash, verify_chain
from core.models import AuditChainHead, AuditEvent
from tests.factories import OrgUnitFactory, UserFactory
from tests.lifecycle import triggers_switched_off


@pytest.fixture
def record(department, head):
    """Append events about the department, as its head would."""

    def _record(count: int) -> list[AuditEvent]:
        return [
            audit_record(
                action="proposal.submit",
                obj=department,
                actor=head,
                role="head",
                unit=department,
                from_state="draft",
                to_state="submitted",
                payload={"lan": i, "ghi_chu": "Đề xuất đổi mới", "ngay": datetime.date(2026, 4, 5)},
            )
            for i in range(1, count + 1)
        ]

    return _record


def _raw_sql(sql: str, params=()):
    with triggers_switched_off(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _tamper_payload(seq: int, payload: dict):
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    _raw_sql(f"UPDATE core_auditevent SET payload = {cast} WHERE seq = %s", [json.dumps(payload), seq])  # noqa: S608


def _verify_audit_output() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_appended_events_form_a_gap_free_chain(record):
    events = record(5)

    assert [event.seq for event in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == GENESIS_HASH
    assert [event.prev_hash for event in events[1:]] == [event.hash for event in events[:-1]]
    assert len({event.hash for event in events}) == 5
    head = AuditChainHead.objects.get()
    assert (head.last_seq, head.last_hash) == (5, events[-1].hash)
    assert verify_chain() == (5, None)


def test_an_event_records_who_in_which_role_what_and_the_state_change(record, head, department):
    event = AuditEvent.objects.get(pk=record(1)[0].pk)

    assert event.actor == head
    assert event.actor_name == head.get_full_name()
    assert (event.role, event.unit, event.action) == ("head", department, "proposal.submit")
    assert (event.object_type, event.object_id) == ("accounts.orgunit", str(department.pk))
    assert (event.from_state, event.to_state) == ("draft", "submitted")
    # Stored as the database gives it back, so the hash still matches after a round trip.
    assert event.payload == {"lan": 1, "ghi_chu": "Đề xuất đổi mới", "ngay": "2026-04-05"}
    assert compute_hash(event) == event.hash
    assert list(AuditEvent.objects.for_object(department)) == [event]


def test_events_inside_an_audit_context_carry_its_payload_and_the_chain_covers_it(department):
    """The API names the token a service acted through (issue 13) without the service knowing of tokens."""
    with audit_context(via="api", token="Một cửa"):
        inside = audit_record(action="submit", obj=department, payload={"lan": 1})
    after = audit_record(action="submit", obj=department, payload={"lan": 2})
    assert inside.payload == {"lan": 1, "via": "api", "token": "Một cửa"}
    assert after.payload == {"lan": 2}
    assert verify_chain() == (2, None)


def test_verify_audit_reports_an_intact_chain(record):
    record(3)

    assert "Audit chain intact: 3 events verified." in _verify_audit_output()


def test_verify_audit_accepts_an_empty_log(db):
    assert "Audit chain intact: 0 events verified." in _verify_audit_output()


def test_a_changed_payload_is_reported_at_the_first_broken_link(record):
    record(5)

    _tamper_payload(3, {"lan": 3, "ghi_chu": "Đã sửa lén", "ngay": "2026-04-05"})

    assert verify_chain()[0] == 2
    assert verify_chain()[1].seq == 3
    with pytest.raises(CommandError, match=r"BROKEN at event #3: content does not match its hash \(2 events intact"):
        call_command("verify_audit")


def test_a_forged_event_with_a_recomputed_hash_breaks_the_next_link(record):
    record(5)
    forged = AuditEvent.objects.get(seq=3)
    forged.to_state = "approved"

    # The forger recomputes #3's own hash correctly; #4 still points at the original #3.
    _raw_sql("UPDATE core_auditevent SET to_state = %s, hash = %s WHERE seq = 3", ["approved", compute_hash(forged)])

    with pytest.raises(CommandError, match=r"BROKEN at event #4: link to the previous event does not match"):
        call_command("verify_audit")


def test_deleting_a_middle_event_is_detected(record):
    record(5)

    _raw_sql("DELETE FROM core_auditevent WHERE seq = 3")

    checked, broken = verify_chain()
    assert (checked, broken.seq) == (2, 3)
    with pytest.raises(CommandError, match=r"BROKEN at event #3: missing event"):
        call_command("verify_audit")


def test_deleting_the_last_event_is_detected(record):
    record(5)

    _raw_sql("DELETE FROM core_auditevent WHERE seq = 5")

    with pytest.raises(CommandError, match=r"BROKEN at event #5: chain head says #5"):
        call_command("verify_audit")


def test_the_orm_refuses_to_change_or_delete_an_event(record):
    event = record(2)[0]
    original = AuditEvent.objects.values().get(pk=event.pk)

    event.action = "forged"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["action"])

    assert AuditEvent.objects.values().get(pk=event.pk) == original
    assert verify_chain() == (2, None)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    ["UPDATE core_auditevent SET action = 'forged' WHERE seq = 1", "DELETE FROM core_auditevent WHERE seq = 1"],
    ids=["update", "delete"],
)
def test_postgresql_refuses_raw_sql_that_changes_or_deletes_events(record, sql):
    record(2)

    with pytest.raises(DatabaseError, match="Cannot update or delete rows"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql)

    assert verify_chain() == (2, None)


def test_the_base_manager_used_by_related_lookups_keeps_the_guards(record):
    record(1)
    with pytest.raises(PermissionError):
        AuditEvent._base_manager.filter(seq=1).update(action="forged")


@pytest.mark.postgres
def test_postgresql_refuses_orm_paths_that_skip_the_model_guards(record):
    record(2)

    # A plain QuerySet has none of the model's guards: only the trigger stands in its way.
    with pytest.raises(DatabaseError, match="Cannot update or delete rows"), transaction.atomic():
        QuerySet(model=AuditEvent).filter(seq=1).update(action="forged")

    assert verify_chain() == (2, None)


@pytest.mark.postgres
def test_postgresql_tampering_with_the_trigger_switched_off_is_still_detected(record):
    record(3)

    with triggers_switched_off(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET to_state = 'approved' WHERE seq = 2")

    with pytest.raises(CommandError, match=r"BROKEN at event #2: content does not match"):
        call_command("verify_audit")


def test_the_admin_cannot_add_change_or_delete_events_even_as_superuser(admin_client, admin_user, record):
    event = record(1)[0]
    original = AuditEvent.objects.values().get(pk=event.pk)
    model_admin = admin_site._registry[AuditEvent]
    request = RequestFactory().get("/")
    request.user = admin_user

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert "delete_selected" not in model_admin.get_actions(request)

    assert admin_client.get(reverse("admin:core_auditevent_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:core_auditevent_add")).status_code == 403
    change_url = reverse("admin:core_auditevent_change", args=[event.pk])
    page = admin_client.get(change_url)
    assert page.status_code == 200  # read-only view
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.post(change_url, {"action": "forged"}).status_code == 403
    assert admin_client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    bulk = admin_client.post(
        reverse("admin:core_auditevent_changelist"), {"action": "delete_selected", "_selected_action": [event.pk]}
    )
    assert bulk.status_code in (200, 302)

    assert AuditEvent.objects.values().get(pk=event.pk) == original


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_writers_appending_at_once_keep_the_chain_gap_free():
    unit = OrgUnitFactory()
    actors = [UserFactory(), UserFactory()]
    start = threading.Barrier(2)
    errors = []

    def append_twenty(actor):
        try:
            start.wait(timeout=10)
            for i in range(20):
                audit_record(action="concurrency.append", obj=unit, actor=actor, payload={"i": i})
        except Exception as exc:  # reported to the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append_twenty, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, 41))
    assert {actor.pk: AuditEvent.objects.filter(actor=actor).count() for actor in actors} == {
        actors[0].pk: 20,
        actors[1].pk: 20,
    }
    assert verify_chain() == (40, None)


# --- The chain head: the witness of the chain's end ----------------------------------------------------

def _raw_sql_on_head(sql: str, params=()):
    """Change the head row directly; on PostgreSQL with its triggers switched off, as a superuser could."""
    with triggers_switched_off(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_missing_chain_head_with_events_is_detected(record):
    record(3)

    _raw_sql_on_head("DELETE FROM core_auditchainhead")

    assert verify_chain()[1] == BrokenLink(4, "the chain head is missing, so the end of the chain is unknown")
    with pytest.raises(CommandError, match=r"BROKEN at event #4: the chain head is missing"):
        call_command("verify_audit")


def test_a_last_event_replaced_with_a_self_consistent_forgery_is_detected_by_the_head(record):
    record(3)
    forged = AuditEvent.objects.get(seq=3)
    forged.to_state = "approved"

    # The forger rewrites the newest event and its hash; no later event links to it, only the head does.
    _raw_sql("UPDATE core_auditevent SET to_state = %s, hash = %s WHERE seq = 3", ["approved", compute_hash(forged)])

    assert verify_chain() == (2, BrokenLink(3, "the chain head's hash does not match this event"))
    with pytest.raises(CommandError, match=r"BROKEN at event #3: the chain head's hash does not match"):
        call_command("verify_audit")


def test_removing_the_newest_events_and_rewinding_the_head_is_the_one_thing_the_chain_cannot_see(record):
    # Why PostgreSQL protects the head row: with the head rewound as well, the shortened chain is valid.
    events = record(3)

    _raw_sql("DELETE FROM core_auditevent WHERE seq = 3")
    _raw_sql_on_head("UPDATE core_auditchainhead SET last_seq = 2, last_hash = %s", [events[1].hash])

    assert verify_chain() == (2, None)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM core_auditchainhead",
        "UPDATE core_auditchainhead SET last_seq = last_seq - 1",
        "UPDATE core_auditchainhead SET last_hash = 'forged'",
        "UPDATE core_auditchainhead SET last_seq = 0, last_hash = ''",
    ],
    ids=["delete", "lower-seq", "change-hash-only", "rewind"],
)
def test_postgresql_refuses_to_delete_or_rewind_the_chain_head(record, sql):
    record(3)

    with pytest.raises(DatabaseError, match="Cannot (update|delete) rows"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql)

    assert verify_chain() == (3, None)


@pytest.mark.postgres
def test_postgresql_lets_the_head_move_forward(record):
    record(2)
    event = record(1)[0]  # the append itself raises last_seq and changes last_hash in one UPDATE

    assert AuditChainHead.objects.values_list("last_seq", "last_hash").get() == (3, event.hash)
    assert verify_chain() == (3, None)
