#!/usr/bin/env python
"""Performance figures, printed (not timed tests): `make bench`, or `.venv/bin/python scripts/bench.py [SECTION ...]`.

PostgreSQL only: the figures that matter are the production database's, so the script reads DATABASE_URL and
refuses SQLite. It never touches that database's data: it creates a throw-away database next to it
(`<name>_bench_<pid>`), migrates it, runs the sections, and drops it at the end, whatever happens.

Sections: each is a function taking a `Bench` and registered with `@section("name", "what it measures")`; they run
in the order they are defined, or only the ones named on the command line. A section seeds what it needs (bulk
inserts), measures with `bench.timed(...)` (the median of several runs) and prints with `bench.row(...)`. To add
one (the report exports, say), write another decorated function below the existing ones.
"""

import datetime
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "True")  # settings only; queries are not logged (see main)

SECTIONS: dict[str, tuple[str, Callable]] = {}


def section(name: str, description: str):
    def register(function):
        SECTIONS[name] = (description, function)
        return function

    return register


class Bench:
    """What a section needs: timing, printing, and a clock of its own (the scan runs on a fixed day)."""

    def __init__(self, repeat: int = 5):
        self.repeat = repeat

    def timed(self, function: Callable, *, repeat: int | None = None, setup: Callable | None = None) -> tuple[float, object]:
        """The median wall time of `function()` in seconds over `repeat` runs (after one warm-up), and its last
        result. `setup()` runs before each run, untimed."""
        if setup:
            setup()
        result = function()  # warm-up: plans cached, pages in memory
        times = []
        for _ in range(repeat or self.repeat):
            if setup:
                setup()
            start = time.perf_counter()
            result = function()
            times.append(time.perf_counter() - start)
        return statistics.median(times), result

    @staticmethod
    def row(label: str, value: str) -> None:
        print(f"  {label:<58} {value}")

    @staticmethod
    def ms(seconds: float) -> str:
        return f"{seconds * 1000:9.1f} ms"


# --- Sections ------------------------------------------------------------------------------------------------

OPEN_STEPS = int(os.environ.get("BENCH_OPEN_STEPS", "200000"))


@section("reminders", "the daily deadline scan over 200,000 open steps (issue: goal ≤ 3× one indexed SELECT)")
def reminders_scan(bench: Bench) -> None:
    from django.db import connection, transaction
    from django.db.models import Q
    from django.utils import timezone

    from accounts.models import OrgUnit, Position, User
    from core import workdays
    from proposals.models import LegalProfile, Proposal, Step
    from reminders.models import Reminder
    from reminders.selectors import due_reminders
    from reminders.services import reminders_plan

    today = datetime.date(2026, 3, 11)  # a Wednesday; the calendar of 2026 is seeded by migrate
    kinds = ("review", "decision", "evaluation", "conclusion")  # one open step of a kind per proposal
    units_count, per_unit = 200, OPEN_STEPS // len(kinds) // 200
    started = time.perf_counter()
    with transaction.atomic():
        province = OrgUnit.objects.create(code="BENCH", name="Tỉnh thử tải", level=OrgUnit.Level.PROVINCE)
        province.path = f"/{province.pk}/"
        province.save(update_fields=["path"])
        units = OrgUnit.objects.bulk_create(
            OrgUnit(code=f"BENCH-{n}", name=f"Sở thử tải {n}", level=OrgUnit.Level.PROVINCE, parent=province)
            for n in range(units_count)
        )
        people = User.objects.bulk_create(
            User(username=f"bench{n}-{role}", full_name=f"Cán bộ {n} {role}", email=f"bench{n}-{role}@example.gov.vn")
            for n in range(units_count) for role in ("head", "secretariat", "staff")
        )
        positions = Position.objects.bulk_create(
            Position(person=people[3 * n + i], unit=unit, role=role, start_date=datetime.date(2024, 1, 1))
            for n, unit in enumerate(units)
            for i, role in enumerate((Position.Role.HEAD, Position.Role.SECRETARIAT, Position.Role.STAFF))
        )
        Position.objects.create(person=User.objects.create(username="bench-chair", email="chair@example.gov.vn"),
                                unit=province, role=Position.Role.HEAD, start_date=datetime.date(2024, 1, 1))
        profile = LegalProfile.objects.order_by("-version").first()
        proposals = Proposal.objects.bulk_create(
            (
                Proposal(code=f"BENCH{n:06d}-{u}", title=f"Đề xuất thử tải {n}", proposer_id=people[3 * u + 2].pk,
                         proposer_position_id=positions[3 * u + 2].pk, unit_id=units[u].pk, decision_unit_id=units[u].pk,
                         profile=profile)
                for u in range(units_count) for n in range(per_unit)
            ),
            batch_size=5000,
        )
        # Due dates over the two years around today, one in fifty overdue (already escalated: the steady state
        # of a daily scan), the rest spread over the coming two years.
        steps = []
        for i, proposal in enumerate(proposals):
            for k, kind in enumerate(kinds):
                n = i * len(kinds) + k
                offset = -(n % 60) - 1 if n % 50 == 0 else n % 730
                steps.append(Step(proposal_id=proposal.pk, kind=kind, label="Việc thử tải", unit_id=proposal.unit_id,
                                  due_on=today + datetime.timedelta(days=offset)))
        steps = Step.objects.bulk_create(steps, batch_size=10000)
        overdue = [step for step in steps if step.due_on < today]
        Reminder.objects.bulk_create(
            (Reminder(step=step, kind=Reminder.Kind.ESCALATE, due_on=step.due_on, recipient_id=people[1].pk,
                      state=Reminder.State.SENT, sent_at=timezone.now()) for step in overdue),
            batch_size=10000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    bench.row("seeded open steps (in a throw-away database)", f"{len(steps):>9,}")
    bench.row("  of which overdue and already escalated", f"{len(overdue):>9,}")
    bench.row("seeding time", f"{time.perf_counter() - started:9.1f} s")

    # The steady state of a working day: yesterday's scan has run (its reminders are in the ledger); today's adds
    # the reminders due today and the escalations of what fell overdue yesterday.
    yesterday = datetime.date(2026, 3, 10)
    reminders_plan(today=yesterday)
    after_yesterday = Reminder.objects.order_by("-pk").values_list("pk", flat=True).first()

    def back_to_this_morning():
        Reminder.objects.filter(pk__gt=after_yesterday).delete()

    horizon = workdays.add_working_days(today, max(max(p.reminder_offsets_wd or [0]) for p in LegalProfile.objects.all()))
    select_s, due_rows = bench.timed(
        lambda: list(Step.objects.open().filter(due_on__lte=horizon).order_by("due_on", "pk"))
    )
    bench.row(f"one indexed SELECT of the due rows (open, due by {horizon:%d/%m})", f"{bench.ms(select_s)}  ({len(due_rows):,} rows)")
    scan_s, planned = bench.timed(lambda: reminders_plan(today=today), setup=back_to_this_morning)
    added = Reminder.objects.filter(pk__gt=after_yesterday).count()
    bench.row("the daily scan (due rows, who must act, ledger insert)", f"{bench.ms(scan_s)}  ({planned:,} due, {added:,} new)")
    bench.row("  ratio to the indexed SELECT (goal ≤ 3×)", f"{scan_s / select_s:9.2f} ×")
    plan_s, _ = bench.timed(lambda: due_reminders(today=today))
    bench.row("  of which planning alone (no insert)", bench.ms(plan_s))
    again_s, _ = bench.timed(lambda: reminders_plan(today=today))
    bench.row("the scan run again the same day (nothing new)", bench.ms(again_s))
    plan = Step.objects.open().filter(due_on__lte=horizon).filter(
        Q(due_on__gte=today) | Q(proposal__profile__escalate_overdue=True)
    ).explain()
    bench.row("index used by the scan", "step_open_due_idx" if "step_open_due_idx" in plan else "NOT USED:\n" + plan)
    bench.row("delivery (one notification and mail per reminder)", "bounded by the mail server, not measured here")


# --- Running -------------------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        print("scripts/bench.py needs PostgreSQL: set DATABASE_URL=postgres://... (SQLite figures say nothing about "
              "production, so it refuses them).", file=sys.stderr)
        return 2
    unknown = [name for name in argv if name not in SECTIONS]
    if unknown:
        print(f"Unknown section(s): {', '.join(unknown)}. Known: {', '.join(SECTIONS)}.", file=sys.stderr)
        return 2

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False  # no query log: 200,000-row inserts would fill memory with SQL text
    original = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{original}_bench_{os.getpid()}"
    print(f"Creating the throw-away database {connection.settings_dict['TEST']['NAME']} (migrate)...")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        for name in argv or SECTIONS:
            description, function = SECTIONS[name]
            print(f"\n[{name}] {description}")
            function(Bench())
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)
        print("\nThrow-away database dropped.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
