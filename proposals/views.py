"""The proposer's side (plan form, attachments, submission, revision) and the lists (inbox, proposal list).

Thin function views: every change goes through `proposals.services`; a `ValidationError` is shown next to
the field it names; every page and download goes through `selectors.proposal_for_user` (404 outside scope).
"""

import datetime
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Position
from accounts.selectors import positions_of
from core.badges import badge_expressions
from core.documents import BackLink, DocumentRenderError, pdf_response
from core.downloads import stored_file_response
from core.paging import BadCursor, bounded_count, seek_tiers
from core.prepared import prepared
from core.stages import stages

from . import selectors, services
from .actions import page_situation, stage_sections
from .context_processors import acting_for
from .diff import compare_plans, plan_sections
from .documents import PLAN
from .forms import (
    AttachmentForm,
    ProposalFilterForm,
    ProposalPlanForm,
    VersionCompareForm,
    add_service_errors,
    list_filter_units,
)
from .inbox import Inbox, counted_sections
from .models import FieldOfWork, PlanContent, PlanDocument, Proposal
from .stepper import lifecycle_steps, next_due_subquery
from .transitions import EDITABLE_STATUSES, STATUS_LABELS, Action, can

PAGE_SIZE = 20
FIELD_LABELS = dict(FieldOfWork.choices)
logger = logging.getLogger(__name__)


def _own_proposal(request: HttpRequest, pk: int) -> Proposal:
    """Visible (else 404) and authored by the user (else 403): the proposer's pages and actions."""
    proposal = selectors.authored_proposal(user=request.user, pk=pk)
    if proposal is None:
        selectors.proposal_for_user(user=request.user, pk=pk)  # 404 when the user may not even see it
        raise PermissionDenied(_("Chỉ cán bộ đề xuất được thực hiện thao tác này."))
    return proposal


def _plan_form(proposal: Proposal, data=None, *, marked: bool = True) -> ProposalPlanForm:
    """The draft's form; `marked`: with the parts required to submit under the profile in force marked, else
    `mark_required_on_submit` does it if the form is shown (a submission that succeeds never reads the profile
    for it)."""
    co_authors = list(proposal.co_authors.all())
    initial = {**proposal.content_dict(), "co_authors": co_authors}
    return ProposalPlanForm(
        data, initial=initial, user=proposal.proposer, units=[proposal.unit], co_author_initial=co_authors,
        required_on_submit=services.required_for_submission(selectors.current_profile()) if marked else (),
    )


def _stored_plan_form(proposal: Proposal, *, marked: bool = True) -> ProposalPlanForm:
    """The saved draft as a bound form, so that a submission from the detail page can show errors by field."""
    data = QueryDict(mutable=True)
    for name, value in proposal.content_dict().items():
        if isinstance(value, bool):
            # "True"/"False": a checkbox reads either; the Art. 1 question (None: not answered) needs "False" too.
            data[name] = str(value)
        elif isinstance(value, datetime.date):
            data[name] = value.strftime("%d/%m/%Y")
        elif value:
            data[name] = value
    data.setlist("co_authors", [str(pk) for pk in proposal.co_authors.values_list("pk", flat=True)])
    return _plan_form(proposal, data=data, marked=marked)


def _render_edit(request, proposal, form, upload_form=None, status: int = 200) -> HttpResponse:
    attachments = list(proposal.attachments.filter(removed_at__isnull=True).select_related("uploaded_by"))
    for attachment in attachments:
        attachment.removable = selectors.attachment_removable(proposal=proposal, attachment=attachment)
    return render(
        request,
        "proposals/form.html",
        {
            "proposal": proposal,
            "form": form,
            "upload_form": upload_form or AttachmentForm(max_bytes=settings.ATTACHMENT_MAX_BYTES),
            "attachments": attachments,
        },
        status=status,
    )


# --- Plan: create, edit, submit, revise --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    profile = selectors.current_profile(on_date=today)
    held = list(selectors.positions_eligible_to_propose(user=request.user, profile=profile, on_date=today))
    if not held:
        if request.method == "POST":
            raise PermissionDenied(_("Bạn không giữ chức vụ thuộc đối tượng được quyền đề xuất."))
        return render(request, "proposals/not_eligible.html", {
            "held_positions": list(positions_of(person=request.user, on_date=today)),
            "eligible_categories": [Position.Category(code).label for code in profile.eligible_categories
                                    if code in Position.Category.values],
        })
    form = ProposalPlanForm(
        request.POST if request.method == "POST" else None, user=request.user, units=[p.unit for p in held],
        positions=held, initial={"position": held[0]}, required_on_submit=services.required_for_submission(profile),
    )
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create_draft(
                by=request.user, position=form.cleaned_data["position"], data=form.plan_data(),
                co_authors=form.cleaned_data["co_authors"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu dự thảo. Bạn có thể đính kèm tệp và nộp kế hoạch khi đã đủ nội dung."))
            return redirect("proposals:edit", pk=proposal.pk)
    return render(request, "proposals/form.html", {"form": form, "proposal": None})


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _own_proposal(request, pk)
    if proposal.status not in EDITABLE_STATUSES:
        messages.warning(request, _("Kế hoạch đã nộp không thể sửa. Chỉ sửa được khi ở trạng thái dự thảo."))
        return redirect("proposals:detail", pk=proposal.pk)
    if request.method == "POST":
        form = _plan_form(proposal, data=request.POST)
        if form.is_valid():
            if not form.has_changed():
                # Nothing to record: an "edit" event in the evidence log would only be noise.
                messages.info(request, _("Dự thảo không có thay đổi."))
                return redirect("proposals:edit", pk=proposal.pk)
            try:
                services.proposal_update_draft(
                    proposal=proposal, by=request.user, data=form.plan_data(), co_authors=form.cleaned_data["co_authors"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Đã lưu dự thảo."))
                return redirect("proposals:edit", pk=proposal.pk)
    else:
        form = _plan_form(proposal)
    return _render_edit(request, proposal, form)


@login_required
@require_POST
def proposal_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """T1. From the edit page the typed plan is saved first, so nothing typed is lost if something is missing."""
    proposal = _own_proposal(request, pk)
    if proposal.status not in EDITABLE_STATUSES:
        messages.error(request, _("Đề xuất đã được nộp."))
        return redirect("proposals:detail", pk=proposal.pk)
    from_edit_page = "plan_form" in request.POST
    form = _plan_form(proposal, data=request.POST, marked=False) if from_edit_page else _stored_plan_form(proposal, marked=False)
    typed_plan_valid = form.is_valid()
    if typed_plan_valid:
        try:
            if from_edit_page and form.has_changed():
                proposal = services.proposal_update_draft(
                    proposal=proposal, by=request.user, data=form.plan_data(), co_authors=form.cleaned_data["co_authors"]
                )
            services.proposal_submit(proposal=proposal, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã nộp kế hoạch. Cơ quan có thẩm quyền đã được thông báo."))
            return redirect("proposals:detail", pk=proposal.pk)
    profile = selectors.current_profile()
    if not typed_plan_valid:
        # The typed plan cannot even be saved: still name every other part missing for submission.
        draft = Proposal(**{name: value for name, value in proposal.content_dict().items()})
        for name, value in form.cleaned_data.items():
            if name in PlanContent.CONTENT_FIELDS:
                setattr(draft, name, value)
        for name, message in services.missing_parts(draft, profile).items():
            if name in form.fields and name not in form.errors:
                form.add_error(name, message)
    form.mark_required_on_submit(services.required_for_submission(profile))
    messages.error(request, _("Chưa nộp được kế hoạch: xem các mục cần bổ sung bên dưới."))
    return _render_edit(request, proposal, form)


@login_required
@require_POST
def proposal_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """T7: reopen a returned or rejected plan as the draft of the next version."""
    proposal = _own_proposal(request, pk)
    try:
        services.proposal_revise(proposal=proposal, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("proposals:detail", pk=proposal.pk)
    except DocumentRenderError:
        # A plan still waiting for its document is issued before the plan may change; a server fault, not the user's.
        logger.exception("Could not issue the pending plan documents of proposal %s", proposal.pk)
        messages.error(request, _("Hệ thống chưa tạo được văn bản PDF nên thao tác chưa được thực hiện. "
                                  "Vui lòng báo quản trị hệ thống."))
        return redirect("proposals:detail", pk=proposal.pk)
    messages.success(request, _("Kế hoạch đã mở lại để chỉnh sửa; khi nộp lại sẽ thành phiên bản mới."))
    return redirect("proposals:edit", pk=proposal.pk)


# --- Attachments -------------------------------------------------------------------------------------------


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _own_proposal(request, pk)
    if proposal.status not in EDITABLE_STATUSES:
        messages.error(request, _("Kế hoạch đã nộp không thể sửa. Chỉ sửa được khi ở trạng thái dự thảo."))
        return redirect("proposals:detail", pk=proposal.pk)
    # Django has streamed a large upload to a temporary file; the checks hash it in chunks and storage copies it
    # in chunks. Only an image is read whole, to be decoded and re-encoded (core.uploads.images).
    form = AttachmentForm(request.POST, request.FILES, max_bytes=settings.ATTACHMENT_MAX_BYTES)
    if form.is_valid():
        try:
            attachment = services.attachment_add(
                proposal=proposal, by=request.user, uploaded_file=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            messages.success(request, _("Đã đính kèm tệp “%(name)s”.") % {"name": attachment.original_name})
            return redirect(reverse("proposals:edit", args=[proposal.pk]) + "#tep-dinh-kem")
    return _render_edit(request, proposal, _plan_form(proposal), upload_form=form)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    proposal = _own_proposal(request, pk)
    attachment = get_object_or_404(proposal.attachments.filter(removed_at__isnull=True), pk=attachment_pk)
    try:
        services.attachment_remove(attachment=attachment, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã gỡ bỏ tệp “%(name)s”.") % {"name": attachment.original_name})
    return redirect(reverse("proposals:edit", args=[proposal.pk]) + "#tep-dinh-kem")


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """Files are not served publicly: only through this view, after the proposal's visibility check."""
    proposal = selectors.proposal_for_user(user=request.user, pk=pk)
    attachment = get_object_or_404(selectors.attachments_visible_to(proposal=proposal, user=request.user), pk=attachment_pk)
    return stored_file_response(attachment.file, attachment.original_name, attachment.content_type)


# --- Detail and versions -----------------------------------------------------------------------------------


@login_required
@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Co-authors and versions are read once here; the visibility rules below reuse them.
    held = acting_for(request)["positions"]  # the navigation bar's, read once for the scope and the actions too
    user = request.user
    # The navigation bar's unread count, what the stages' panels need to know before they read (whether they have
    # anything to show, their records), the co-authors, versions and audit events ride along with the proposal's own
    # query (issue 10 §5).
    annotations = {**badge_expressions(request), "next_due": next_due_subquery(),
                   **stages.page_annotations(user=user, held=held), **selectors.page_annotations()}
    with prepared():  # ~37 kB of SQL that took PostgreSQL 20 ms to plan: planned once per connection (issue 10)
        proposal = selectors.proposal_for_user(user=user, pk=pk, held=held, annotations=annotations)
    events = selectors.load_page_relations(proposal)
    is_proposer = proposal.proposer_id == user.pk
    plan = selectors.plan_shown_to(proposal=proposal, user=user)
    # The stages' sections (the deciding unit's today) with what the user may do in each (core.stages), judged on
    # the positions the navigation bar reads (one query for both).
    sections = stage_sections(page_situation(proposal=proposal, user=user, held=held))
    timeline = selectors.proposal_timeline(proposal, events)
    badges = selectors.DueBadges()
    page = {
        "proposal": proposal,
        "plan": plan,
        "plan_is_draft": plan is proposal,
        "plan_sections": plan_sections(plan),
        "co_authors": list(proposal.co_authors.all()),
        "proposal_attachments": list(
            selectors.attachments_visible_to(proposal=proposal, user=user).select_related("uploaded_by")
        ),
        "plan_versions": list(proposal.versions.all()),
        "due_state": selectors.due_state(badges, proposal),
        "timeline": timeline,
        "lifecycle": lifecycle_steps(proposal=proposal, timeline=timeline, badges=badges),
        # A return's or a rejection's reasons, at the top of the page for the authors only (issue 12 §3).
        "author_notices": [section.notice for section in sections if section.notice]
        if selectors.is_author(proposal=proposal, user=user) else [],
        "can_edit": is_proposer and proposal.status in EDITABLE_STATUSES,
        "can_revise": is_proposer and can(proposal.status, Action.REVISE),
        "stage_sections": sections,
        "tasks": [offer for section in sections for offer in section.offers if offer.action.task],
        # The navigation's badges, instead of core.context_processors' query.
        "notifications_unread": proposal.notifications_unread,
        "tasks_pending": proposal.tasks_pending,
    }
    return render(request, "proposals/detail.html", page)


@login_required
@require_GET
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One submitted version as it was, with the plan's document issued for its submission (D-9): version 1 stays
    readable on its own page after any revision. Whoever sees the proposal sees its submitted versions."""
    proposal = selectors.proposal_for_user(user=request.user, pk=pk)
    version = get_object_or_404(proposal.versions.select_related("submitted_by"), number=number)
    return render(request, "proposals/version.html", {
        "proposal": proposal,
        "version": version,
        "document": PlanDocument.objects.filter(version=version).first(),
        "plan_sections": plan_sections(version),
        "attachments": list(proposal.attachments.filter(version=number, removed_at__isnull=True).select_related("uploaded_by")),
        "version_count": proposal.versions.count(),
    })


@login_required
@require_GET
def version_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The plan's PDF as issued for its submission: the stored file (issued now if the queue has not yet), a marked
    copy, the 409 page (core.documents), or the 503 page when it cannot be issued yet."""
    proposal = selectors.proposal_for_user(user=request.user, pk=pk)
    document = get_object_or_404(
        PlanDocument.objects.select_related("version__proposal__unit"), version__proposal=proposal, version__number=number,
    )
    page = reverse("proposals:version", args=[proposal.pk, number])
    back = BackLink(url=page, label=_("Quay lại phiên bản kế hoạch"), crumb=proposal.title,
                    crumb_url=reverse("proposals:detail", args=[proposal.pk]))
    try:
        return pdf_response(request, lambda: services.plan_download(document=document, by=request.user),
                            PLAN.filenames(document), back=back)
    except DocumentRenderError:
        # Not issued yet (the queue's task waits, or failed) and it cannot be rendered now either: say so, no 500.
        logger.exception("Could not issue the plan document %s", document.pk)
        response = render(request, "proposals/plan_pending.html", {"proposal": proposal, "number": number}, status=503)
        response["Retry-After"] = "300"
        return response


@login_required
@require_GET
def version_compare(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_for_user(user=request.user, pk=pk)
    versions = {v.number: v for v in proposal.versions.select_related("submitted_by")}
    numbers = sorted(versions)
    rows = old = new = None
    if len(numbers) >= 2:
        data = request.GET if "old" in request.GET or "new" in request.GET else {"old": numbers[-2], "new": numbers[-1]}
        form = VersionCompareForm(data, numbers=numbers)
        if form.is_valid():
            old, new = versions[form.cleaned_data["old"]], versions[form.cleaned_data["new"]]
            rows = compare_plans(old, new)
    else:
        form = None
    return render(request, "proposals/compare.html", {
        "proposal": proposal, "form": form, "rows": rows, "old": old, "new": new, "version_count": len(numbers),
        "changed": [row for row in rows or () if row.changed], "unchanged": [row for row in rows or () if not row.changed],
    })


# --- Lists -------------------------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Each section's first rows with its count, or one section alone (`muc`: its key) a page at a time by keyset
    (`sau`: the cursor of the next page)."""
    inbox = Inbox(counted_sections(request))  # counted by the navigation's badge query: no count of their own
    if "muc" not in request.GET:
        filled = inbox.filled  # the first page of every section with rows
        return render(request, "proposals/inbox.html", {"inbox": inbox, "filled": filled})
    try:
        section = inbox.section(request.GET["muc"])
    except KeyError:
        raise Http404 from None
    try:
        page = section.page(cursor=request.GET.get("sau"))
    except BadCursor:  # a link edited by hand or cut off: the first page rather than an error
        page = section.page()
    return render(request, "proposals/inbox.html", {"inbox": inbox, "section": section, "page": page})


@login_required
@require_GET
def proposal_list_view(request: HttpRequest) -> HttpResponse:
    """The list a page at a time by keyset (`sau`: the cursor of the next page), with a bounded count."""
    today = timezone.localdate()
    held = acting_for(request)["positions"]  # the navigation bar's, read once for the units, the scope and the badge
    units = list_filter_units(person=request.user, on_date=today, held=held)
    form = ProposalFilterForm(request.GET or None, units=units, today=today)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    listed = selectors.proposal_list(
        user=request.user, today=today, q=filters.get("q", ""), unit=filters.get("unit"),
        status=filters.get("status", ""), field=filters.get("field", ""), year=filters.get("year"),
        overdue=filters.get("overdue", False), sort=filters.get("sort", ""), held=held,
    )
    try:
        page = seek_tiers(listed.tiers, listed.keys, cursor=request.GET.get("sau"), size=PAGE_SIZE)
    except BadCursor:  # a link edited by hand or cut off: the first page rather than an error
        page = seek_tiers(listed.tiers, listed.keys, cursor=None, size=PAGE_SIZE)
    count, more = bounded_count(listed.matches, listed.keys)
    badges = selectors.DueBadges(today)
    for proposal in page.rows:
        proposal.due_state = selectors.due_state(badges, proposal)
        # Not get_FOO_display(): it builds the whole dict of choices again on every call, twice a row.
        proposal.status_label, proposal.field_label = STATUS_LABELS[proposal.status], FIELD_LABELS.get(proposal.field)
    query = request.GET.copy()
    query.pop("sau", None)
    return render(request, "proposals/list.html", {
        "form": form, "page": page, "count": count, "count_more": more, "query": query.urlencode(),
        "is_filtered": bool(filters and any(filters.values())),
    })
