"""Reads for the public register (no login: only live summaries, never a proposal) and the proposal's panel."""

import datetime

from django.apps import apps
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import OrgUnit
from approvals.models import Decision
from core.stages import DossierEntry
from core.text import fold
from proposals.models import PlanVersion, Proposal
from proposals.selectors import plan_version

from . import rules
from .models import Publication

PAGE_SIZE = 20


# --- The public pages --------------------------------------------------------------------------------------------


def public_list(*, q: str = "", unit_id: int | None = None, year: int | None = None,
                before: int | None = None, page_size: int = PAGE_SIZE) -> tuple[list[Publication], int | None]:
    """One page of live summaries, newest first, and the cursor of the next page (None on the last).

    Keyset pagination on the primary key: the page costs one query however deep the reader goes, and a summary
    published meanwhile never shifts the rows of the next page.
    """
    rows = Publication.objects.live().select_related("unit")
    for word in fold(q).split():
        rows = rows.filter(search_text__contains=word)
    if unit_id:
        rows = rows.filter(unit_id=unit_id)
    if year:
        rows = rows.filter(decision_date__year=year)
    if before:
        rows = rows.filter(pk__lt=before)
    page = list(rows.order_by("-pk")[: page_size + 1])
    if len(page) > page_size:
        return page[:page_size], page[page_size - 1].pk
    return page, None


def public_units() -> list[tuple[int, str]]:
    """The units with a live summary, for the filter: one query."""
    return list(
        OrgUnit.objects.filter(pk__in=Publication.objects.live().values("unit_id"))
        .order_by("name")
        .values_list("pk", "name")
    )


def public_years() -> list[int]:
    """The years of the decisions of live summaries, newest first: one query."""
    dates = Publication.objects.live().dates("decision_date", "year", order="DESC")
    return [day.year for day in dates]


def public_summary(*, proposal_id: int) -> Publication:
    """The live summary of a proposal, or 404: the same answer for a draft, a withdrawn summary, a proposal never
    published and one that does not exist, whoever asks."""
    publication = Publication.objects.live().select_related("unit").filter(proposal_id=proposal_id).first()
    if publication is None:
        raise Http404
    return publication


# --- The proposal's side -----------------------------------------------------------------------------------------


def live_publication(proposal: Proposal) -> Publication | None:
    return Publication.objects.live().filter(proposal=proposal).first()


def approval_decision(proposal: Proposal) -> Decision | None:
    """The decision to implement the approved version (approval, or the head's override), the newest first."""
    return (
        Decision.objects.filter(
            proposal=proposal, version=proposal.approved_version,
            kind__in=(Decision.Kind.APPROVAL, Decision.Kind.OVERRIDE),
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def approved_plan(proposal: Proposal) -> PlanVersion | None:
    return plan_version(proposal, proposal.approved_version)


def summary_initial(proposal: Proposal) -> dict:
    """What the head starts from: the approved plan's title, its contents and expected results."""
    plan = approved_plan(proposal) or proposal
    parts = [plan.content_solutions.strip()]
    if plan.expected_results.strip():
        parts.append(_("Hiệu quả dự kiến: %(results)s") % {"results": plan.expected_results.strip()})
    return {"title": plan.title, "summary": "\n\n".join(part for part in parts if part)}


def conclusion_model():
    """The evaluation stage's conclusion model, None on a deployment without it.

    Read through the app registry: the evaluation stage is earlier in the lifecycle (it may be imported), but
    the register needs only its conclusion's outcome, number and date, and publishes without a suggested
    outcome where there is no such stage.
    """
    try:
        return apps.get_model("evaluation", "Conclusion")
    except LookupError:
        return None


def evaluation_outcome(proposal: Proposal, conclusion=None) -> str:
    """The outcome of the evaluation conclusion in words, to pre-fill the published outcome; "" when none.

    `conclusion`: the one the page has read already (the evaluation panel's), else it is read here."""
    model = conclusion_model()
    if conclusion is None and model is not None:
        conclusion = model.objects.filter(proposal=proposal).first()
    if conclusion is None:
        return ""
    issued_on: datetime.date | None = getattr(conclusion, "issued_on", None)
    return _("%(outcome)s (Kết luận đánh giá số %(number)s ngày %(date)s)") % {
        "outcome": conclusion.get_outcome_display(), "number": getattr(conclusion, "number", ""),
        "date": issued_on.strftime("%d/%m/%Y") if issued_on else "",
    }


def proposal_publications(proposal: Proposal) -> QuerySet[Publication]:
    return Publication.objects.filter(proposal=proposal).select_related("published_by", "withdrawn_by").order_by("-pk")


def proposal_annotations(*, user, held) -> dict:
    """`publications_exist`, read with the proposal page's own query (issue 10 §5): most proposals have none, and
    their panel then costs no query."""
    return {"publications_exist": Exists(Publication.objects.filter(proposal=OuterRef("pk")))}


def proposal_panel(situation) -> dict:
    """What `publication/partials/panel.html` shows: the live summary and the withdrawn ones. One query, none
    before the decision to implement (nothing is published before it) or when the page's query tells there is none
    (`proposal_annotations`).

    Leaves the live summary in `situation.facts` for the actions' predicates (publication.actions)."""
    publishable = rules.publishable(situation.proposal.status)
    exist = publishable and getattr(situation.proposal, "publications_exist", True)
    publications = list(proposal_publications(situation.proposal)) if exist else []
    live = next((p for p in publications if p.withdrawn_at is None), None)
    situation.facts["live_publication"] = live
    return {
        "live": live,
        "withdrawn": [p for p in publications if p.withdrawn_at is not None],
        "publishable": publishable,
        "outcome_missing": live is not None and not live.outcome and rules.evaluated(situation.proposal.status),
    }


def dossier_entries(proposal: Proposal) -> list[DossierEntry]:
    """Each publication and each withdrawal, as records of the dossier (core.stages). One query."""
    entries = []
    for publication in proposal_publications(proposal).order_by("pk"):
        entries.append(DossierEntry(
            at=publication.published_at, title=_("Công khai tóm tắt đề xuất (Điều 4 khoản 4)"),
            lines=(
                _("Người công khai: %(name)s") % {"name": publication.published_by.get_full_name()},
                _("Tên công khai: %(title)s") % {"title": publication.title},
                _("Căn cứ Quyết định số %(number)s ngày %(date)s") % {
                    "number": publication.decision_number, "date": publication.decision_date.strftime("%d/%m/%Y")},
                _("Người công khai xác nhận nội dung không chứa thông tin thuộc bí mật nhà nước."),
            ),
        ))
        if publication.withdrawn_at:
            entries.append(DossierEntry(
                at=publication.withdrawn_at, title=_("Gỡ nội dung công khai"),
                lines=(_("Người gỡ: %(name)s") % {"name": publication.withdrawn_by.get_full_name()},
                       _("Lý do: %(reason)s") % {"reason": publication.withdraw_reason}),
            ))
    return entries
