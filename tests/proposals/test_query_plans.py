"""The list's queries answered from indexes at scale (issue 10, Acceptance): EXPLAIN of every query the list page
runs, for a reader of the whole province, a department head who sees a few hundred rows and a cadre, with each
filter, each order, a search and a later page, has no sequential scan of the proposals table.

PostgreSQL only. 30,000 proposals are cloned from one real submitted proposal in SQL (a second, not minutes) over
41 departments, then ANALYZEd, so that the planner chooses as it does with a province's rows.
"""

import html
import itertools
import re

import pgtrigger
import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from proposals.models import FieldOfWork, Proposal
from tests.factories import OrgUnitFactory
from tests.lifecycle import as_, submitted_proposal
from tests.proposals.helpers import url

pytestmark = pytest.mark.postgres

ROWS = 30_000


@pytest.fixture
def at_scale(province, department, proposer, leaders, inspector, secretariat):
    units = [department.pk] + [
        OrgUnitFactory(code=f"S{n}", name=f"Sở số {n}", parent=province).pk for n in range(40)
    ]
    template = submitted_proposal(proposer=proposer, title="Cải cách thủ tục hành chính")
    columns = [
        f.column for f in Proposal._meta.concrete_fields
        if f.column not in (
            "id", "code", "unit_id", "decision_unit_id", "created_at", "field", "search_text", "title", "review_due",
        )
    ]
    listed = ", ".join(columns)
    fields = [value for value, _label in FieldOfWork.choices]
    with pgtrigger.ignore("proposals.Proposal:proposal_insert_as_draft"), connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO proposals_proposal ({listed}, unit_id, decision_unit_id, created_at, field, title,
                                             search_text, review_due)
            SELECT {listed}, (%s::int[])[1 + g %% %s], (%s::int[])[1 + g %% %s], %s - g * interval '1 minute', (%s::text[])[1 + g %% %s],
                   'Đề xuất ' || g, 'de xuat ' || g || CASE WHEN g %% 10 = 0 THEN ' cai cach thu tuc' ELSE ' so hoa' END,
                   review_due + (g %% 30)
            FROM proposals_proposal, generate_series(1, %s) AS g WHERE id = %s""",  # noqa: S608 - the model's own column names
            [units, len(units), units, len(units), timezone.now(), fields, len(fields), ROWS, template.pk],
        )
        cursor.execute("ANALYZE proposals_proposal")
    return template


def _plans(client, params, page: str = "list") -> list[str]:
    """The EXPLAIN of every query of the page (a proposals URL name, or a path) that reads the proposals table."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page if page.startswith("/") else url(page), params)
    assert response.status_code == 200
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if re.search(r'FROM "proposals_proposal"', query["sql"]):
                cursor.execute("EXPLAIN " + query["sql"])
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


CASES = [
    {},
    {"q": "cai cach"},
    {"q": "thu tuc"},
    {"status": "approved"},
    {"status": "submitted"},
    {"field": "digital"},
    {"year": 2026},
    {"overdue": "on"},
    {"sort": "due"},
    {"sort": "title"},
    {"sort": "newest", "q": "cai cach"},
]


def test_no_list_query_reads_the_whole_proposals_table(at_scale, inspector, head, proposer, department):
    cases = [*CASES, {"unit": department.pk}]
    seen = []
    for who, params in itertools.product((inspector, head, proposer), cases):
        client = as_(who)
        response = client.get(url("list"), params)
        assert response.status_code == 200 and not response.context["form"].errors, params
        next_page = re.search(r'rel="next" href="\?([^"]+)"', response.content.decode())
        later = [QueryDict(html.unescape(next_page.group(1))).dict()] if next_page else []
        for case in [params, *later]:
            for plan in _plans(client, case):
                seen.append(case)
                assert "Seq Scan on proposals_proposal" not in plan, f"{who} {case}:\n{plan}"
    assert len(seen) >= 3 * 2 * len(cases)  # page and count of every case, at least


def test_no_inbox_query_reads_the_whole_proposals_table(at_scale, inspector, head, proposer):
    """The inbox and each of its sections' pages ("Xem tất cả"), for those with work in them."""
    for who in (head, proposer, inspector):
        client = as_(who)
        body = client.get(url("inbox")).content.decode()
        sections = [QueryDict(html.unescape(query)).dict() for query in re.findall(r'href="[^"?]*\?(muc=[^"#]+)"', body)]
        if who == head:  # 730 proposals of the department await its review
            assert sections
        for params in [{}, *sections]:
            for plan in _plans(client, params, page="inbox"):
                assert "Seq Scan on proposals_proposal" not in plan, f"{who} {params}:\n{plan}"


def test_no_home_page_query_reads_the_whole_proposals_table(at_scale, inspector, head):
    """The home page's blocks ("my proposals", none of the 30,000 being theirs, and the tasks) of a reader of the
    whole province and of a head with hundreds to review. (The proposer wrote every row: reading them all is right.)"""
    for who in (inspector, head):
        plans = _plans(as_(who), {}, page="/")
        assert plans, who
        for plan in plans:
            assert "Seq Scan on proposals_proposal" not in plan, f"{who}:\n{plan}"


# The statuses of a province's proposals in their proportions at scale (scripts/bench_seed.py): a status's rows are a
# few percent of a unit's, so a section that walks the whole table in its order finds its ten rows late or never.
SPREAD = ["submitted", "approved", "in_implementation", "suspended", "completed", "reported", "evaluated", "rejected",
          "closed", "closed"]


@pytest.fixture
def statuses_spread(at_scale, proposer, department):
    """The 30,000 proposals over the statuses of SPREAD (the status machine's trigger set aside: the rows are
    stand-ins for the planner, not proposals anyone acts on), each approved or later one with its lead implementer,
    then ANALYZEd."""
    with pgtrigger.ignore("proposals.Proposal:proposal_status_fsm"), connection.cursor() as cursor:
        cursor.execute(
            """UPDATE proposals_proposal SET status = (%s::text[])[1 + id %% %s],
                                              decision_unit_id = CASE WHEN id %% 4 = 0 THEN %s ELSE decision_unit_id END
            WHERE id <> %s""",
            [SPREAD, len(SPREAD), department.pk, at_scale.pk],
        )
        cursor.execute(
            """INSERT INTO implementation_assignment (kind, name, contact_person, phone, email, task, is_lead, answer,
                                                      refusal_reason, answered_at, assigned_at, assigned_by_id,
                                                      person_id, proposal_id)
            SELECT 'cadre', '', '', '', '', 'Chủ trì', true, 'accepted', '', now(), now(), %s, %s, id
            FROM proposals_proposal WHERE status NOT IN ('submitted', 'rejected')""",
            [proposer.pk, proposer.pk],
        )
        cursor.execute("ANALYZE proposals_proposal")
        cursor.execute("ANALYZE implementation_assignment")


def _walks(plan: str) -> list[str]:
    """The scans in `plan` that read the proposals table, or every assignment, whole: a sequential scan, or an index
    scan without an index condition (a walk of the index in its order, filtering every row)."""
    lines = plan.splitlines()
    walks = []
    for number, line in enumerate(lines):
        if re.search(r"Seq Scan on (proposals_proposal|implementation_assignment)\b", line):
            walks.append(line.strip())
        elif re.search(r"Index (Only )?Scan (Backward )?using \S+ on proposals_proposal\b", line):
            node = itertools.takewhile(lambda text: "->" not in text, lines[number + 1:])
            if not any("Index Cond" in text for text in node):
                walks.append(line.strip())
    return walks


def test_no_inbox_section_of_a_deciding_unit_walks_the_proposals(statuses_spread, head):
    """The head's inbox and home page (every section of the deciding unit: to decide, to set up, to record on
    behalf of outside implementers, to evaluate…) read the unit's rows of each section's statuses from an index
    (proposal_decider_oldest_idx), never the whole table in the section's order (the section "on behalf" did:
    950 ms at 200,000 proposals) nor every assignment of the province for a page of ten rows; and the inbox's counts
    do not sort what they count."""
    client = as_(head)
    walks = []
    for page in (url("inbox"), "/"):
        plans = _plans(client, {}, page=page)
        assert len(plans) >= 5, page
        walks += [f"{page}: {walk}\n{plan}" for plan in plans for walk in _walks(plan)]
        if page == url("inbox"):  # each section's bounded count, all in the navigation badge's one query
            counts = [plan for plan in plans if plan.count("Aggregate") >= 5]
            assert len(counts) == 1, plans
            # The evaluation sections are ordered by their earliest open step, a subquery per row: a count reads the
            # first rows in any order rather than running it for all of them to sort them (nothing is sorted).
            walks += [f"count sorted:\n{plan}" for plan in counts if "Sort Key" in plan]
    assert not walks, "\n\n".join(walks)


def test_a_list_page_reads_from_the_table_only_its_own_rows(at_scale, head):
    """The page's keys are found first (the scope's columns are in proposal_newest_scope_idx, so PostgreSQL can find
    them from the index alone), then its rows by primary key: a reader who may see a few percent of the proposals no
    longer has every row passed over fetched from the table (core.paging)."""
    client = as_(head)
    page = next(plan for plan in _plans(client, {}) if "Aggregate" not in plan.splitlines()[0])
    assert re.search(r"Index Cond: \(id = \w+\.id\)", page), page  # the rows fetched by the keys found
    assert "proposal_newest_scope_idx on proposals_proposal" in page, page
