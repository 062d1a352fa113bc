"""`manage.py seed_demo` on an empty database: refused with DEBUG off unless forced, its login table and lifecycle,
idempotency and `--scale` (the seeded province itself: test_seed_demo.py; the lifecycle: test_lifecycle_seed.py)."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_PASSWORD, SYNTHETIC_CODE_PREFIX, SYNTHETIC_STAFF_PER_UNIT
from accounts.models import OrgUnit, Position, User
from accounts.selectors import unit_deputies_on, unit_head_on
from core.models import AuditEvent
from demo.lifecycle import PROPOSALS
from incidents.models import Incident
from proposals.models import Proposal
from publication.models import Publication

ON = datetime.date(2026, 1, 15)


def _counts():
    return OrgUnit.objects.count(), User.objects.count(), Position.objects.count()


def _lifecycle_counts():
    return (Proposal.objects.count(), AuditEvent.objects.count(), Incident.objects.count(), Publication.objects.count())


def _held(unit, role):
    return Position.objects.held_on(ON).filter(unit=unit, role=role)


def test_command_refuses_when_debug_is_off(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=StringIO())

    assert not OrgUnit.objects.exists()


def test_command_runs_with_force_when_debug_is_off(db, settings):
    settings.DEBUG = False

    call_command("seed_demo", force=True, stdout=StringIO())

    assert OrgUnit.objects.filter(code="QN-UBND").exists()


def test_command_prints_the_login_table_and_the_lifecycle_and_is_idempotent(db, settings):
    """One command seeds the province and its lifecycle (demo.lifecycle); both parts are checked on the same two runs,
    each a full seeding."""
    settings.DEBUG = True
    first, second = StringIO(), StringIO()

    call_command("seed_demo", stdout=first)
    counts = _counts(), _lifecycle_counts()
    call_command("seed_demo", stdout=second)

    assert (_counts(), _lifecycle_counts()) == counts
    out = first.getvalue()
    assert DEMO_PASSWORD in out
    assert "gd.snv" in out and "Sở Nội vụ tỉnh Quảng Ninh" in out
    assert f"Đã tạo {len(PROPOSALS)} đề xuất mẫu" in out
    assert "Thời gian" in out
    assert "không thay đổi" in second.getvalue()


def test_scale_adds_synthetic_units_with_correct_paths(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", scale=5, stdout=StringIO())
    ubnd = OrgUnit.objects.get(code="QN-UBND")

    synthetic = list(OrgUnit.objects.filter(code__startswith=SYNTHETIC_CODE_PREFIX).order_by("code"))

    assert len(synthetic) == 5
    assert {unit.level for unit in synthetic} == {OrgUnit.Level.COMMUNE, OrgUnit.Level.PROVINCE}
    for unit in synthetic:
        assert unit.parent == ubnd
        assert unit.path == f"{ubnd.path}{unit.pk}/"
        assert list(OrgUnit.objects.subtree_of(unit)) == [unit]
        assert unit_head_on(unit=unit, on_date=ON) is not None
        assert len(unit_deputies_on(unit=unit, on_date=ON)) == 2
        assert _held(unit, Position.Role.STAFF).count() == SYNTHETIC_STAFF_PER_UNIT
    assert set(synthetic) <= set(OrgUnit.objects.subtree_of(ubnd))
    assert OrgUnit.objects.subtree_of(OrgUnit.objects.get(code="TW-CP")).count() == OrgUnit.objects.count()


def test_scale_is_idempotent_and_extends_to_a_larger_count(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", scale=3, stdout=StringIO())
    counts = _counts()

    call_command("seed_demo", scale=3, stdout=StringIO())
    assert _counts() == counts

    call_command("seed_demo", scale=5, stdout=StringIO())
    assert OrgUnit.objects.filter(code__startswith=SYNTHETIC_CODE_PREFIX).count() == 5
    assert not OrgUnit.objects.filter(path="").exists()
