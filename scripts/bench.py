#!/usr/bin/env python
"""Performance figures, printed (not timed tests): `make bench`, or `.venv/bin/python scripts/bench.py [SECTION ...]`.

PostgreSQL only: the figures that matter are the production database's, so the script reads DATABASE_URL and
refuses SQLite. It never touches that database's data: it creates a throw-away database next to it
(`<name>_bench_<pid>`), migrates it, runs the sections, and drops it at the end, whatever happens. BENCH_KEEP_DB=1
keeps it; BENCH_DB=<that name> runs the sections that can (pages, nodes) on it again, without seeding.

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
# Seeding hundreds of thousands of rows runs statements longer than the web's 30 s limit (issue 11 §6).
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")
# The personas sign in with a password only: a required second factor (issue 11 §2) would fence every page measured.
os.environ.setdefault("TWO_FACTOR_REQUIRED_ROLES", "")

SECTIONS: dict[str, tuple[str, Callable]] = {}


def section(name: str, description: str):
    def register(function):
        SECTIONS[name] = (description, function)
        return function

    return register


class Bench:
    """What a section needs: timing, printing, and a clock of its own (the scan runs on a fixed day)."""

    def __init__(self, repeat: int = 5, *, reused: bool = False):
        self.repeat = repeat
        self.reused = reused  # BENCH_DB: the database is an existing, seeded one: read it, seed nothing

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


PROPOSALS = int(os.environ.get("BENCH_PROPOSALS", "100000"))


def _small_org(year: int):
    """The exports' province: 20 departments, each with its director and five cadres who propose, route A."""
    from bench_seed import SeedOrg

    from accounts.models import OrgUnit, Position, User
    from proposals.models import Proposal

    province = OrgUnit.objects.create(code="BENCH-X", name="Ủy ban nhân dân tỉnh Thử Tải", abbreviation="UBND",
                                      place_name="Hạ Long", level=OrgUnit.Level.PROVINCE)
    units = OrgUnit.objects.bulk_create(
        OrgUnit(code=f"BENCH-X{n}", name=f"Sở Khoa học và Công nghệ thử tải số {n}", abbreviation=f"S{n}",
                level=OrgUnit.Level.PROVINCE, parent=province)
        for n in range(20)
    )
    OrgUnit.update_paths(units)
    heads = User.objects.bulk_create(User(username=f"bx-head{n}", full_name=f"Nguyễn Văn Trưởng {n}") for n in range(20))
    staff = User.objects.bulk_create(
        User(username=f"bx-staff{n}-{k}", full_name=f"Trần Thị Sáng Kiến {n}.{k}") for n in range(20) for k in range(5)
    )
    Position.objects.bulk_create(
        Position(person=heads[n], unit=units[n], role=Position.Role.HEAD, title="Giám đốc",
                 start_date=datetime.date(2024, 1, 1))
        for n in range(20)
    )
    positions = Position.objects.bulk_create(
        Position(person=staff[5 * n + k], unit=units[n], role=Position.Role.STAFF, title="Trưởng phòng",
                 category=Position.Category.STATE_LEADER, start_date=datetime.date(2024, 1, 1))
        for n in range(20) for k in range(5)
    )
    return SeedOrg(
        province=province, units=units, heads=heads, head_titles=["Giám đốc"] * 20,
        author=lambda i: (staff[i % 100], positions[i % 100], units[i % 100 // 5], i % 100 // 5, Proposal.Route.A),
    )


def _seed_proposals(count: int, year: int, *, org_factory: Callable | None = None, first: datetime.date | None = None):
    """`count` proposals received over the 365 days from `first` (1 January of `year` by default) in the organisation
    `org_factory()` builds (the exports' small province by default), with the facts of their lifecycle in bulk: the
    plan as version 1 and its folded search text, a closed review meeting and a final decision (nine in ten; an open
    review step for the others), resources and an implementation (seven in ten), a completion report (four in ten),
    an evaluation meeting and conclusion (three in ten), protection and encouragement (two in ten), an incident (one
    in fifty). Rows go in by COPY (`bench_seed.copy_create`); proposals as drafts (the insert trigger allows nothing
    else), moved to their status in one UPDATE with the status trigger set aside. Returns the `bench_seed.SeedOrg`."""
    import pgtrigger
    from bench_seed import copy_create, plan_texts
    from django.db import connection, transaction
    from django.utils import timezone

    from approvals.models import Decision, Meeting
    from core.text import fold
    from evaluation.models import (
        Conclusion,
        EncouragementForm,
        EncouragementRecord,
        EvaluationMeeting,
        Measure,
        Outcome,
        PartyKind,
        PartyType,
        ProtectionRecord,
    )
    from implementation.models import Assignment, CompletionReport, Implementation, Resource
    from implementation.services import STEP_COMPLETION_REPORT, STEP_EVALUATION
    from incidents.models import Incident
    from proposals.models import FieldOfWork, LegalProfile, PlanContent, PlanVersion, Proposal, Step
    from proposals.transitions import Status

    # By i % 10: how far each proposal went.
    statuses = [Status.SUBMITTED, Status.REJECTED, Status.APPROVED, Status.IN_IMPLEMENTATION, Status.SUSPENDED,
                Status.COMPLETED, Status.REPORTED, Status.EVALUATED, Status.CLOSED, Status.CLOSED]
    fields = FieldOfWork.values
    day = datetime.timedelta(days=1)
    first = first or datetime.date(year, 1, 1)
    now = timezone.now()
    with transaction.atomic():
        org = org_factory() if org_factory else _small_org(year)
        units, heads = org.units, org.heads
        profile = LegalProfile.objects.order_by("-version").first()
        seq: dict[tuple, int] = {}
        decider: dict[int, int] = {}  # proposal id → index of its deciding unit in `units`

        def number(unit_index: int, register: str) -> tuple[int, str]:
            seq[unit_index, register] = seq.get((unit_index, register), 0) + 1
            return seq[unit_index, register], f"{seq[unit_index, register]}/{register}-S{unit_index}"

        def new_proposal(i: int) -> Proposal:
            proposer, position, unit, u, route = org.author(i)
            texts = plan_texts(i)
            if i % 1000 == 0:
                texts["title"] = "=1+1 " + texts["title"]  # the exports neutralise formulas
            code = f"BX{i:07d}"
            return Proposal(
                code=code, field=fields[i % len(fields)], route=route, proposer=proposer, proposer_position=position,
                unit=unit, decision_unit=units[u], profile=profile, current_version=1,
                received_on=first + day * (i * 365 // count), review_due=first + day * (i * 365 // count + 9),
                search_text=fold(" ".join([code, texts["title"], texts["bottleneck"], texts["content_solutions"]])),
                **texts,
            )

        batch = 10_000
        for start in range(0, count, batch):
            indexes = range(start, min(start + batch, count))
            proposals = copy_create(Proposal, (new_proposal(i) for i in indexes))
            for i, created in zip(indexes, proposals, strict=True):
                decider[created.pk] = org.author(i)[3]
            meetings, decisions, resources, implementations, assignments, steps = [], [], [], [], [], []
            reports, evaluations, conclusions, protections, encouragements, incidents = [], [], [], [], [], []
            for i, proposal in zip(indexes, proposals, strict=True):
                stage, u = i % 10, decider[proposal.pk]
                head, received = heads[u], proposal.received_on
                if stage == 0:
                    continue
                held = received + day * (3 + i % 9)  # one in nine late (review due: received + 9 days)
                meetings.append(Meeting(
                    proposal=proposal, version=1, unit=units[u], held_on=held, chair=head, opened_by=head,
                    state=Meeting.State.CLOSED, closed_at=now, votes_for=2 if stage != 1 else 0,
                    votes_against=0 if stage != 1 else 2, votes_abstain=1, denominator=3, threshold_percent=50,
                    denominator_rule="present", tie_rule="head_side", passed=stage != 1, minutes_number=f"{i}/BB",
                ))
                kind = Decision.Kind.REJECTION if stage == 1 else (Decision.Kind.OVERRIDE if i % 20 == 12 else Decision.Kind.APPROVAL)
                register = Decision.REGISTER[kind]
                n, text = number(u, register)
                decisions.append(Decision(
                    proposal=proposal, kind=kind, version=1, unit=units[u], number=text, register=register,
                    register_year=year, register_seq=n, issued_on=held + day, signer=head, signer_title=org.head_titles[u],
                    text="Cho triển khai thực hiện đề xuất theo kế hoạch.",
                ))
            copy_create(Meeting, meetings)
            copy_create(Decision, decisions)
            decided = {decision.proposal_id: decision for decision in decisions}
            for i, proposal in zip(indexes, proposals, strict=True):
                stage, u = i % 10, decider[proposal.pk]
                if stage < 3:
                    continue
                head, decision = heads[u], decided[proposal.pk]
                started = decision.issued_on + day
                resources += [
                    Resource(proposal=proposal, decision=decision, unit=units[u], kind=Resource.Kind.FUNDS,
                             description="Kinh phí triển khai", amount=100_000_000 + 1000 * i,
                             budget_source="Ngân sách nhà nước", recorded_by=head),
                    Resource(proposal=proposal, decision=decision, unit=units[u], kind=Resource.Kind.PEOPLE,
                             description="04 công chức kiêm nhiệm", recorded_by=head),
                ]
                completed = started + day * 60 if stage >= 5 else None
                implementations.append(Implementation(proposal=proposal, started_on=started, started_by=head,
                                                      completed_on=completed, completed_by=head if completed else None))
                if stage < 5:
                    continue
                report_due = completed + day * 7
                steps.append(Step(proposal=proposal, kind=STEP_COMPLETION_REPORT, label="Nộp báo cáo kết quả",
                                  due_on=report_due, unit=units[u], closed_at=now if stage >= 6 else None))
                if stage < 6:
                    continue
                assignments.append(Assignment(proposal=proposal, kind=Assignment.Kind.CADRE, person=proposal.proposer,
                                              is_lead=True, answer=Assignment.Answer.ACCEPTED, answered_at=now,
                                              assigned_by=head))
                reported = completed + day * (3 + i % 6)  # some after the 5-working-day deadline
                reports.append(CompletionReport(
                    proposal=proposal, basis=CompletionReport.Basis.COMPLETED, version=1, unit=units[u],
                    number=number(u, "BC")[1], register_year=year, register_seq=seq[u, "BC"], reported_on=reported,
                    signer_name=proposal.proposer.full_name, filed_by=proposal.proposer, attested=True,
                    overall=CompletionReport.Overall.COMPLETED, results_summary="Đạt mục tiêu.",
                    resources_used="Như được bố trí.", causes="Phối hợp tốt.",
                ))
                steps.append(Step(proposal=proposal, kind=STEP_EVALUATION, label="Đánh giá kết quả",
                                  due_on=reported + day * 9, unit=units[u], closed_at=now if stage >= 7 else None))
                if stage < 7:
                    continue
                evaluated = reported + day * 5
                evaluations.append(EvaluationMeeting(
                    proposal=proposal, unit=units[u], held_on=evaluated, starts_at=datetime.time(8, 30), chair=head,
                    secretary_name="Thư ký", proposed_outcome=Outcome.COMPLETED, proposed_damage=False,
                    proposed_right_policy=True, proposed_pure_motive=True, proposed_common_good=True,
                    state=EvaluationMeeting.State.CLOSED, opened_by=head, closed_at=now, votes_for=3, denominator=3,
                    threshold_percent=50, denominator_rule="present", tie_rule="head_side", passed=True, minutes_number=f"{i}/BB-ĐG",
                ))
                n, text = number(u, "KL")
                conclusions.append(Conclusion(
                    proposal=proposal, unit=units[u], number=text, register="KL", register_year=year, register_seq=n,
                    issued_on=evaluated + day, signer=head, signer_title=org.head_titles[u], path=Conclusion.Path.MEETING,
                    version=1, outcome=Outcome.COMPLETED if i % 3 else Outcome.PARTIAL, results_assessment="Đạt.",
                    damage=False, right_policy=True, right_policy_reasons="Đúng.", pure_motive=True,
                    pure_motive_reasons="Trong sáng.", common_good=True, common_good_reasons="Vì lợi ích chung.",
                    objective_causes="Khách quan.", subjective_causes="Chủ quan.", protection_basis="11_1",
                ))
                if i % 50 == 8:
                    incidents.append(Incident(kind=Incident.Kind.OBSTRUCTION, channel=Incident.Channel.SIGNED_IN,
                                              unit=units[u], proposal=proposal, reporter=head,
                                              reported_text="Phòng Hành chính", description="Không cung cấp số liệu."))
            copy_create(Resource, resources)
            copy_create(Implementation, implementations)
            copy_create(Assignment, assignments)
            for report, assignment in zip(reports, assignments, strict=True):
                report.implementer = assignment
            copy_create(CompletionReport, reports)
            copy_create(Step, steps)
            copy_create(EvaluationMeeting, evaluations)
            copy_create(Conclusion, conclusions)
            for conclusion in conclusions:
                i = int(conclusion.proposal.code[2:])
                if i % 10 < 8:
                    continue
                u = decider[conclusion.proposal_id]
                party = {"conclusion": conclusion, "proposal": conclusion.proposal, "unit": units[u], "register_year": year,
                         "issued_on": conclusion.issued_on, "signer": heads[u], "signer_title": org.head_titles[u],
                         "party": f"user:{conclusion.proposal.proposer_id}", "party_kind": PartyKind.PROPOSER,
                         "party_type": PartyType.INDIVIDUAL, "party_name": conclusion.proposal.proposer.full_name}
                n, text = number(u, "BV")
                protections.append(ProtectionRecord(**party, number=text, register="BV", register_seq=n,
                                                    measure=Measure.NO_LIABILITY, legal_basis="Khoản 1 Điều 11",
                                                    addressee="Hội đồng kỷ luật"))
                n, text = number(u, "KT")
                encouragements.append(EncouragementRecord(**party, number=text, register="KT", register_seq=n,
                                                          form=EncouragementForm.COMMENDATION, by_proposal=False))
            copy_create(ProtectionRecord, protections)
            copy_create(EncouragementRecord, encouragements)
            copy_create(Incident, incidents)
        # Each proposal's status in one statement; the FSM trigger would (rightly) refuse draft → closed. Created the
        # day before its receipt (lists sort by it), version 1 frozen from the plan as submitted, and the review
        # deadline as an open step while the proposal waits for its meeting, as `proposal_submit` leaves them.
        local = "AT TIME ZONE 'Asia/Ho_Chi_Minh'"
        content = ", ".join(field.column for field in PlanContent._meta.fields)
        with pgtrigger.ignore("proposals.Proposal:proposal_status_fsm"), connection.cursor() as cursor:
            created = f"(received_on - 1 + time '08:00') {local} + (substring(code from 3)::int %% 3600) * interval '1 second'"
            cursor.execute(
                "UPDATE proposals_proposal SET status = (%s::text[])[1 + (substring(code from 3)::int %% 10)], "
                f"created_at = {created}, updated_at = {created} WHERE code LIKE 'BX%%'",
                [[str(status) for status in statuses]],
            )
            cursor.execute(
                f"INSERT INTO {PlanVersion._meta.db_table} ({content}, proposal_id, number, submitted_at, submitted_by_id) "
                f"SELECT {content}, id, 1, (received_on + time '09:00') {local}, proposer_id "
                "FROM proposals_proposal WHERE code LIKE 'BX%%'"
            )
            cursor.execute(
                f"INSERT INTO {Step._meta.db_table} (proposal_id, kind, label, due_on, unit_id, opened_at) "
                "SELECT id, 'review', %s, review_due, decision_unit_id, now() FROM proposals_proposal "
                "WHERE code LIKE 'BX%%' AND status = %s",
                ["Họp tập thể lãnh đạo xem xét đề xuất", Status.SUBMITTED],
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return org


def _floor_sql(root, period) -> tuple[str, list]:
    """The detail sheet as one SELECT (PostgreSQL): the same columns, texts and order as `reports.detail.detail_rows`
    (the bench checks it), for the floors: `COPY (…) TO STDOUT` and XlsxWriter fed from a server-side cursor."""
    from reports.detail import _labels  # the same texts: the floor writes the same cells

    labels = _labels()
    params: list = []

    def case(column: str, mapping: dict) -> str:
        whens = []
        for code, text in mapping.items():
            whens.append("WHEN %s THEN %s")
            params.extend([str(code), text])
        return f"CASE {column} {' '.join(whens)} END"

    def flag(column: str, present: str) -> str:
        params.extend([labels["yes_no"][True], labels["yes_no"][False]])
        return f"CASE WHEN {present} IS NULL THEN NULL WHEN {column} THEN %s ELSE %s END"

    def on_time(done: str, due: str) -> str:
        params.extend([labels["on_time"][True], labels["on_time"][False]])
        return f"CASE WHEN {done} IS NULL THEN NULL WHEN {due} IS NULL OR {done} <= {due} THEN %s ELSE %s END"

    evaluated = "COALESCE(em.held_on, c.issued_on)"
    columns = [
        "p.code", "p.title", "u.name", "COALESCE(NULLIF(pr.full_name, ''), pr.username)", "NULLIF(pos.title, '')",
        case("pos.category", labels["category"]), case("p.route", labels["route"]), case("p.field", labels["field"]),
        "p.received_on", "p.review_due", "p.returns_count", "m.held_on", on_time("m.held_on", "p.review_due"),
        "m.votes_for", "m.votes_against", "m.votes_abstain", "m.denominator", flag("m.tie_break_applied", "m.id"),
        case("d.kind", labels["basis"]), "d.number", "d.issued_on", "i.started_on", "i.completed_on",
        "res.funds", "res.people", "res.equipment", case("p.status", labels["status"]),
        "cr.reported_on", on_time("cr.reported_on", "rs.due_on"), evaluated, on_time(evaluated, "es.due_on"),
        case("c.outcome", labels["outcome"]), flag("c.damage", "c.id"), "c.damage_vnd",
        flag("c.right_policy", "c.id"), flag("c.pure_motive", "c.id"), flag("c.common_good", "c.id"),
        "(SELECT string_agg(r.party_name || ': ' || " + case("r.measure", labels["measure"])
        + ", '; ' ORDER BY r.created_at, r.id) FROM evaluation_protectionrecord r WHERE r.proposal_id = p.id)",
        "(SELECT string_agg(r.party_name || ': ' || " + case("r.form", labels["form"])
        + ", '; ' ORDER BY r.created_at, r.id) FROM evaluation_encouragementrecord r WHERE r.proposal_id = p.id)",
        "(SELECT count(*) FROM incidents_incident n WHERE n.proposal_id = p.id)",
    ]
    sql = f"""
SELECT {", ".join(columns)}
FROM proposals_proposal p
JOIN accounts_orgunit u ON u.id = p.unit_id
JOIN accounts_user pr ON pr.id = p.proposer_id
JOIN accounts_position pos ON pos.id = p.proposer_position_id
LEFT JOIN implementation_implementation i ON i.proposal_id = p.id
LEFT JOIN implementation_completionreport cr ON cr.proposal_id = p.id
LEFT JOIN evaluation_evaluationmeeting em ON em.proposal_id = p.id AND em.state = 'closed'
LEFT JOIN evaluation_conclusion c ON c.proposal_id = p.id
LEFT JOIN LATERAL (SELECT * FROM approvals_meeting x WHERE x.proposal_id = p.id AND x.state = 'closed'
                   ORDER BY x.held_on DESC, x.id DESC LIMIT 1) m ON true
LEFT JOIN LATERAL (SELECT * FROM approvals_decision x
                   WHERE x.proposal_id = p.id AND x.kind IN ('approval', 'override', 'rejection', 'referral')
                   ORDER BY x.issued_on DESC, x.id DESC LIMIT 1) d ON true
LEFT JOIN LATERAL (SELECT (sum(x.amount) FILTER (WHERE x.kind = 'funds'))::bigint AS funds,
                          count(*) FILTER (WHERE x.kind = 'people') AS people,
                          count(*) FILTER (WHERE x.kind IN ('equipment', 'facilities')) AS equipment
                   FROM implementation_resource x WHERE x.proposal_id = p.id HAVING count(*) > 0) res ON true
LEFT JOIN LATERAL (SELECT x.due_on FROM proposals_step x WHERE x.proposal_id = p.id AND x.kind = 'completion_report'
                   ORDER BY x.opened_at DESC, x.id DESC LIMIT 1) rs ON true
LEFT JOIN LATERAL (SELECT x.due_on FROM proposals_step x WHERE x.proposal_id = p.id AND x.kind = 'evaluation'
                   ORDER BY x.opened_at DESC, x.id DESC LIMIT 1) es ON true
WHERE u.path LIKE %s AND p.received_on BETWEEN %s AND %s
ORDER BY p.received_on, p.id
"""
    return sql, [*params, root.path + "%", period.start, period.end]


@section("exports", "the annual report's detail over BENCH_PROPOSALS (100,000) proposals (issue: CSV ≤ 3× COPY, "
                    "XLSX ≤ 1.3× the XlsxWriter floor, memory flat)")
def exports(bench: Bench) -> None:
    import itertools
    import tempfile
    import tracemalloc

    import xlsxwriter
    from django.db import connection, transaction
    from django.utils import translation

    from reports.detail import DATE_KEYS, DETAIL_COLUMNS, MONEY_KEYS, detail_rows
    from reports.exports import EXCEL_EPOCH, AnnualDocument, write_detail_csv, write_xlsx
    from reports.figures import annual_table
    from reports.periods import Period, year_period

    started = time.perf_counter()
    root = _seed_proposals(PROPOSALS, 2025).province
    bench.row("seeded proposals with their lifecycle (throw-away database)", f"{PROPOSALS:>9,}")
    bench.row("seeding time", f"{time.perf_counter() - started:9.1f} s")
    year = year_period(2025)
    quarter = Period(datetime.date(2025, 1, 1), datetime.date(2025, 3, 31), year.kind)  # about a quarter of them

    def document(period) -> AnnualDocument:
        return AnnualDocument(
            unit=root, year=2025, period=period, number="", issued_on=None, signer_name="", signer_title="",
            recipients=[], narrative={}, table=annual_table(root, period), detail=lambda: detail_rows(root, period),
        )

    with connection.cursor() as cursor:
        # The floors' one big SELECT would pay PostgreSQL's JIT compilation (seconds): off for the whole section,
        # so that the floors are the fastest the database does (the export's small queries never reach JIT).
        cursor.execute("SET jit = off")
    whole = document(year)
    rows = whole.table.total.value("c2_received")
    with translation.override("vi"):
        sql, params = _floor_sql(root, year)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM (" + sql + ") q", params)
        assert cursor.fetchone()[0] == rows
    bench.row("detail rows in the year (received 01/01–31/12/2025)", f"{rows:>9,}")

    # The floors write the export's rows: the same values in the same order, every row compared.
    with transaction.atomic(), connection.connection.cursor(name="check") as cursor:
        cursor.itersize = 2000
        cursor.execute(sql, params)
        differ = sum(
            floor is None or export is None or list(floor) != export
            for floor, export in itertools.zip_longest(cursor, detail_rows(root, year))
        )
    bench.row("rows of the floors' SELECT that differ from the export's", f"{differ:>9,}")

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "out"

        def copy_floor():
            copy_sql = "COPY (" + connection.ops.compose_sql(sql, params) + ") TO STDOUT WITH CSV HEADER"
            with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy, target.open("wb") as out:
                for block in copy:
                    out.write(block)

        def detail_csv():
            with target.open("wb") as out:
                return write_detail_csv(whole, out)

        copy_s, _ = bench.timed(copy_floor, repeat=3)
        size_copy = target.stat().st_size
        csv_s, written = bench.timed(detail_csv, repeat=3)
        bench.row("COPY (the same SELECT) TO STDOUT WITH CSV, to a file", f"{bench.ms(copy_s)}  ({size_copy / 1e6:.1f} MB)")
        bench.row("detail CSV (write_detail_csv, keyset chunks of 2,000)",
                  f"{bench.ms(csv_s)}  ({target.stat().st_size / 1e6:.1f} MB, {written:,} rows)")
        bench.row("  ratio to COPY (goal ≤ 3×)", f"{csv_s / copy_s:9.2f} ×")

        keys = [key for key, _title in DETAIL_COLUMNS]
        dates, money = {keys.index(k) for k in DATE_KEYS}, {keys.index(k) for k in MONEY_KEYS}

        def xlsx_floor():
            """XlsxWriter constant_memory writing the same cells (strings, numbers, dates) from a server-side cursor."""
            workbook = xlsxwriter.Workbook(str(target), {"constant_memory": True, "tmpdir": tmp,
                                                         "strings_to_formulas": False, "strings_to_urls": False})
            sheet = workbook.add_worksheet("Chi tiet")
            date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
            money_format = workbook.add_format({"num_format": "#,##0"})
            for col, (_key, title) in enumerate(DETAIL_COLUMNS):
                sheet.write_string(0, col, str(title))
            with transaction.atomic(), connection.connection.cursor(name="floor") as cursor:
                cursor.itersize = 2000
                cursor.execute(sql, params)
                for row, values in enumerate(cursor, start=1):
                    for col, value in enumerate(values):
                        if value is None:
                            continue
                        if col in dates:
                            sheet.write_number(row, col, value.toordinal() - EXCEL_EPOCH, date_format)
                        elif col in money:
                            sheet.write_number(row, col, value, money_format)
                        elif isinstance(value, int):
                            sheet.write_number(row, col, value)
                        else:
                            sheet.write_string(row, col, value)
            workbook.close()

        def xlsx():
            with target.open("wb") as out:
                return write_xlsx(whole, out)

        floor_s, _ = bench.timed(xlsx_floor, repeat=2)
        size_floor = target.stat().st_size
        xlsx_s, written = bench.timed(xlsx, repeat=2)
        bench.row("XlsxWriter constant_memory from a server-side cursor (floor)",
                  f"{bench.ms(floor_s)}  ({size_floor / 1e6:.1f} MB)")
        bench.row("XLSX (write_xlsx: outline, data table, 3 charts, detail)",
                  f"{bench.ms(xlsx_s)}  ({target.stat().st_size / 1e6:.1f} MB, {written:,} rows)")
        bench.row("  ratio to the floor (goal ≤ 1.3×)", f"{xlsx_s / floor_s:9.2f} ×")

        def peak(function) -> float:
            tracemalloc.start()
            function()
            _size, top = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            return top / 1e6

        small = document(quarter)
        small_rows = small.table.total.value("c2_received")
        for label, writer in (("CSV", write_detail_csv), ("XLSX", write_xlsx)):
            peaks = []
            for doc in (small, whole):
                with target.open("wb") as out:
                    peaks.append(peak(lambda doc=doc, out=out, writer=writer: writer(doc, out)))
            bench.row(f"peak Python memory (tracemalloc), {label}: {small_rows:,} vs {rows:,} rows",
                      f"{peaks[0]:6.1f} MB vs {peaks[1]:.1f} MB")


@section("pages", "list p1 and p50, search, inbox, detail, home under gunicorn over BENCH_PAGES_PROPOSALS (200,000) "
                  "proposals (issue: ≥ 50 % of the floor's req/s at 16 connections, p95 ≤ 150 ms)")
def pages(bench: Bench) -> None:
    import bench_pages

    bench_pages.run(bench, _seed_proposals)


@section("nodes", "req/s of one gunicorn node and of two behind HAProxy on the pages' province (BENCH_DB: a kept one), "
                  "and the web nodes the 1,000,000-proposal target needs (issue 14 Acceptance; SIZING_* model)")
def nodes(bench: Bench) -> None:
    import bench_nodes

    bench_nodes.run(bench, _seed_proposals)


@section("diff", "the version comparison: one field of 2k/8k/24k words and the largest plan the form accepts "
                 "through the page (issue 11 §5: well under a second; difflib took 1.9/16/164 s)")
def diff(bench: Bench) -> None:
    import bench_diff

    bench_diff.run(bench, _small_org)


@section("webhooks", "the outbox drained to a loopback receiver by one sweep and by two at once; the sweep's due "
                     "query among 100,000 delivered rows (issue 13 §3)")
def webhooks(bench: Bench) -> None:
    import bench_webhooks

    bench_webhooks.run(bench)


@section("observability", "the per-request cost of ObservabilityMiddleware (issue 14 §5): alone around an empty view, "
                          "and the login page with and without it")
def observability(bench: Bench) -> None:
    import bench_observability

    bench_observability.run(bench)


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
    reuse = os.environ.get("BENCH_DB", "")
    if reuse:
        return run_on(reuse, argv or list(REUSABLE))
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
        if os.environ.get("BENCH_KEEP_DB"):  # to look into a figure: EXPLAIN, a profile (drop it by hand after)
            print(f"\nBENCH_KEEP_DB: the database {connection.settings_dict['NAME']} is kept.")
        else:
            connection.creation.destroy_test_db(original, verbosity=0)
            print("\nThrow-away database dropped.")
    return 0


# The sections that can read a database seeded earlier instead of seeding their own (BENCH_DB); the others seed
# into whatever database they run on, which would change the kept one.
REUSABLE = ("pages", "nodes")


def run_on(database: str, names: list[str]) -> int:
    """BENCH_DB=<name>: the sections on that existing database (seeded by `BENCH_KEEP_DB=1 make bench SECTIONS=pages`,
    whose 200,000 proposals take a quarter of an hour to seed), with no create, migrate, seed or drop."""
    from django.db import connection

    refused = [name for name in names if name not in REUSABLE]
    if refused:
        print(f"BENCH_DB: section(s) {', '.join(refused)} seed their own rows and would change {database}; "
              f"only {', '.join(REUSABLE)} read a reused database.", file=sys.stderr)
        return 2
    connection.close()
    connection.settings_dict["NAME"] = database
    from django.db.migrations.executor import MigrationExecutor

    from proposals.models import Proposal

    executor = MigrationExecutor(connection)
    missing = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if missing:  # the code's newer indexes are what a page's speed depends on: measuring without them would mislead
        print(f"BENCH_DB: {database} lacks {len(missing)} migration(s) of this code "
              f"({', '.join(f'{m.app_label}.{m.name}' for m, _backwards in missing[:5])}...): run "
              f"`DATABASE_URL=<this server>/{database} .venv/bin/python manage.py migrate` first.", file=sys.stderr)
        return 2

    print(f"BENCH_DB: reusing the database {database} as it is (no create, migrate, seed or drop): "
          f"{Proposal.objects.count():,} proposals.")
    for name in names:
        description, function = SECTIONS[name]
        print(f"\n[{name}] {description}")
        function(Bench(reused=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
