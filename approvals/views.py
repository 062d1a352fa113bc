"""The deciding unit's actions on a proposal page and its documents.

Thin views: each action is a POST that calls one service and redirects back to the proposal page; a
`ValidationError` is shown on the action's form next to its field, a `PermissionDenied` is a 403. A
proposal outside the user's scope is a 404, for every action and every document. Who may act is checked
before the form is validated, as the services do before their input: a member without the position gets
a 403 whatever they typed.

Documents are served as stored when they were issued (`services.*_download`), never rendered afresh in the
original's place.
"""

import logging
from collections.abc import Callable
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.uploads import sniff
from proposals.models import Proposal
from proposals.selectors import proposal_for_user

from . import documents, services
from .forms import (
    ApproveForm,
    ConsultationForm,
    MeetingAdjournForm,
    MeetingCloseForm,
    MeetingOpenForm,
    OverrideForm,
    RejectForm,
    ReturnForm,
    VoteForm,
    add_service_errors,
)
from .models import Consultation, Decision, Meeting
from .selectors import CONFIRMATIONS, attendee_candidates

PANEL_ANCHOR = "xet-duyet"

logger = logging.getLogger(__name__)


def _back(proposal: Proposal) -> HttpResponse:
    return redirect(f"{reverse('proposals:detail', args=[proposal.pk])}#{PANEL_ANCHOR}")


def _act(
    request: HttpRequest, *, proposal: Proposal, form: Callable[[], Form], title: str, submit: str, action_url: str,
    authorize: Callable[[], object], perform: Callable[[dict], str], confirm: str = "",
) -> HttpResponse:
    """Check who acts (`authorize`, a PermissionDenied is a 403), then build and validate the form and run
    `perform(cleaned_data)`, a service call returning the success message; or show the form's errors.

    `confirm`: the question the page asks before sending the form again, for an action that cannot be undone."""
    authorize()
    form = form()
    status = 200
    if form.is_valid():
        try:
            message = perform(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except documents.DocumentRenderError:
            # The service rolled back: nothing was issued without its document. A server fault, not the user's.
            logger.exception("Could not render the document of %s on proposal %s", request.path, proposal.pk)
            form.add_error(None, _("Hệ thống chưa tạo được văn bản PDF nên thao tác chưa được thực hiện. "
                                   "Vui lòng báo quản trị hệ thống."))
            status = 503
        else:
            messages.success(request, message)
            return _back(proposal)
    context = {
        "proposal": proposal, "form": form, "title": title, "submit": submit, "action_url": action_url, "confirm": confirm,
    }
    return render(request, "approvals/action.html", context, status=status)


@login_required
@require_POST
def consultation_record(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_for_user(user=request.user, pk=pk)

    def perform(data):
        services.consultation_record(
            proposal=proposal, by=request.user, committee=data["committee"], opinion_date=data["opinion_date"],
            opinion=data["opinion"], document=data["document"] or None,
        )
        return _("Đã ghi nhận ý kiến cấp ủy.")

    return _act(
        request, proposal=proposal, form=lambda: ConsultationForm(request.POST, request.FILES),
        title=_("Ghi nhận ý kiến cấp ủy"), submit=_("Ghi nhận ý kiến"),
        action_url=reverse("approvals:consultation_record", args=[proposal.pk]),
        authorize=lambda: services.require_organiser(unit=proposal.decision_unit, by=request.user), perform=perform,
    )


@login_required
@require_POST
def meeting_open(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_for_user(user=request.user, pk=pk)

    def form():
        candidates, titles = attendee_candidates(proposal=proposal)
        return MeetingOpenForm(request.POST, candidates=candidates, titles=titles)

    def perform(data):
        meeting = services.meeting_open(
            proposal=proposal, by=request.user, held_on=data["held_on"], starts_at=data["starts_at"],
            attendees=data["attendees"], location=data["location"], secretary_name=data["secretary_name"],
            other_attendees=data["other_attendees"],
        )
        return _("Đã mở cuộc họp tập thể lãnh đạo ngày %(date)s; các thành viên có mặt được mời biểu quyết.") % {
            "date": meeting.held_on.strftime("%d/%m/%Y")
        }

    return _act(
        request, proposal=proposal, form=form, title=_("Tổ chức họp tập thể lãnh đạo"), submit=_("Mở cuộc họp"),
        action_url=reverse("approvals:meeting_open", args=[proposal.pk]),
        authorize=lambda: services.require_organiser(unit=proposal.decision_unit, by=request.user), perform=perform,
    )


@login_required
@require_POST
def vote_cast(request: HttpRequest, pk: int, meeting_id: int) -> HttpResponse:
    proposal = proposal_for_user(user=request.user, pk=pk)
    meeting = get_object_or_404(Meeting.objects.filter(proposal=proposal), pk=meeting_id)

    def perform(data):
        services.vote_cast(meeting=meeting, by=request.user, choice=data["choice"], reason=data["reason"])
        return _("Đã ghi nhận biểu quyết của bạn. Kết quả được công bố khi kết thúc biểu quyết.")

    return _act(
        request, proposal=proposal, form=lambda: VoteForm(request.POST), title=_("Biểu quyết"), submit=_("Gửi biểu quyết"),
        action_url=reverse("approvals:vote_cast", args=[proposal.pk, meeting.pk]),
        confirm=CONFIRMATIONS["vote"],
        authorize=lambda: services.require_voter(meeting=meeting, by=request.user), perform=perform,
    )


@login_required
@require_POST
def meeting_close(request: HttpRequest, pk: int, meeting_id: int) -> HttpResponse:
    proposal = proposal_for_user(user=request.user, pk=pk)
    meeting = get_object_or_404(Meeting.objects.filter(proposal=proposal), pk=meeting_id)

    def perform(data):
        closed = services.meeting_close(meeting=meeting, by=request.user)
        if closed.passed:
            return _("Đã kết thúc biểu quyết: tập thể lãnh đạo thông qua đề xuất (Biên bản số %(number)s).") % {
                "number": closed.minutes_number
            }
        return _("Đã kết thúc biểu quyết: tập thể lãnh đạo không thông qua đề xuất (Biên bản số %(number)s).") % {
            "number": closed.minutes_number
        }

    return _act(
        request, proposal=proposal, form=lambda: MeetingCloseForm(request.POST), title=_("Kết thúc biểu quyết"),
        submit=_("Kết thúc biểu quyết"), action_url=reverse("approvals:meeting_close", args=[proposal.pk, meeting.pk]),
        confirm=CONFIRMATIONS["close"],
        authorize=lambda: services.require_organiser(unit=meeting.unit, by=request.user), perform=perform,
    )


@login_required
@require_POST
def meeting_adjourn(request: HttpRequest, pk: int, meeting_id: int) -> HttpResponse:
    proposal = proposal_for_user(user=request.user, pk=pk)
    meeting = get_object_or_404(Meeting.objects.filter(proposal=proposal), pk=meeting_id)

    def perform(data):
        services.meeting_adjourn(meeting=meeting, by=request.user, reason=data["reason"])
        return _("Đã hoãn cuộc họp; các phiếu đã bỏ không được tính.")

    return _act(
        request, proposal=proposal, form=lambda: MeetingAdjournForm(request.POST), title=_("Hoãn cuộc họp"),
        submit=_("Hoãn cuộc họp"), action_url=reverse("approvals:meeting_adjourn", args=[proposal.pk, meeting.pk]),
        confirm=CONFIRMATIONS["adjourn"],
        authorize=lambda: services.require_organiser(unit=meeting.unit, by=request.user), perform=perform,
    )


def _issued(decision: Decision) -> str:
    return _("Đã ban hành %(kind)s số %(number)s.") % {
        "kind": decision.get_kind_display().lower(), "number": decision.number
    }


@login_required
@require_POST
def decision_approve(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_for_user(user=request.user, pk=pk)
    return _act(
        request, proposal=proposal, form=lambda: ApproveForm(request.POST), title=_("Quyết định cho triển khai thực hiện"),
        submit=_("Ban hành quyết định"), action_url=reverse("approvals:decision_approve", args=[proposal.pk]),
        confirm=CONFIRMATIONS["approve"],
        authorize=lambda: services.require_head(unit=proposal.decision_unit, by=request.user),
        perform=lambda data: _issued(services.decision_approve(proposal=proposal, by=request.user, text=data["text"])),
    )


@login_required
@require_POST
def decision_override(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_for_user(user=request.user, pk=pk)
    return _act(
        request, proposal=proposal, form=lambda: OverrideForm(request.POST),
        title=_("Người đứng đầu quyết định cho triển khai (khi tập thể không thông qua)"),
        submit=_("Ban hành quyết định"), action_url=reverse("approvals:decision_override", args=[proposal.pk]),
        confirm=CONFIRMATIONS["override"],
        authorize=lambda: services.require_override(proposal=proposal, by=request.user),
        perform=lambda data: _issued(
            services.decision_override(proposal=proposal, by=request.user, justification=data["justification"])
        ),
    )


@login_required
@require_POST
def decision_reject(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_for_user(user=request.user, pk=pk)
    return _act(
        request, proposal=proposal, form=lambda: RejectForm(request.POST), title=_("Không chấp thuận đề xuất"),
        submit=_("Ban hành văn bản trả lời"), action_url=reverse("approvals:decision_reject", args=[proposal.pk]),
        confirm=CONFIRMATIONS["reject"],
        authorize=lambda: services.require_head(unit=proposal.decision_unit, by=request.user),
        perform=lambda data: _issued(services.decision_reject(proposal=proposal, by=request.user, reasons=data["reasons"])),
    )


@login_required
@require_POST
def proposal_return(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_for_user(user=request.user, pk=pk)
    return _act(
        request, proposal=proposal, form=lambda: ReturnForm(request.POST), title=_("Trả lại để bổ sung, làm rõ"),
        submit=_("Ban hành văn bản trả lại"), action_url=reverse("approvals:proposal_return", args=[proposal.pk]),
        confirm=CONFIRMATIONS["return"],
        authorize=lambda: services.require_head(unit=proposal.decision_unit, by=request.user),
        perform=lambda data: _issued(services.proposal_return(proposal=proposal, by=request.user, reasons=data["reasons"])),
    )


def _pdf_response(request: HttpRequest, proposal: Proposal, serve: Callable[[], documents.StoredPdf],
                  filenames: documents.Filenames) -> HttpResponse:
    """The stored document; a marked copy (`ban-tai-tao-…`) when the original is missing; a 409 page, not the
    file, when the stored file no longer matches the hash recorded at issue (documents._stored)."""
    try:
        stored = serve()
    except documents.StoredDocumentMismatch:
        return render(request, "approvals/document_unavailable.html", {"proposal": proposal}, status=409)
    if stored.regenerated:
        filenames = filenames.regenerated()
    response = HttpResponse(stored.content, content_type="application/pdf")
    # An ASCII name for old clients, the Vietnamese one (RFC 6266 / 5987) for the others.
    response["Content-Disposition"] = (
        f"attachment; filename=\"{filenames.ascii}\"; filename*=UTF-8''{quote(filenames.display)}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def minutes_pdf(request: HttpRequest, pk: int, meeting_id: int) -> HttpResponse:
    proposal = proposal_for_user(user=request.user, pk=pk)
    meeting = get_object_or_404(Meeting.objects.filter(proposal=proposal, state=Meeting.State.CLOSED), pk=meeting_id)
    return _pdf_response(request, proposal, lambda: services.minutes_download(meeting=meeting, by=request.user),
                         documents.minutes_filenames(meeting))


@login_required
@require_GET
def decision_pdf(request: HttpRequest, pk: int, decision_id: int) -> HttpResponse:
    proposal = proposal_for_user(user=request.user, pk=pk)
    decision = get_object_or_404(Decision.objects.filter(proposal=proposal), pk=decision_id)
    return _pdf_response(request, proposal, lambda: services.decision_download(decision=decision, by=request.user),
                         documents.decision_filenames(decision))


@login_required
@require_GET
def consultation_document(request: HttpRequest, pk: int, consultation_id: int) -> HttpResponse:
    """The scanned opinion of the party committee, served only through this scope-checked view."""
    proposal = proposal_for_user(user=request.user, pk=pk)
    consultation = get_object_or_404(Consultation.objects.filter(proposal=proposal).exclude(document=""), pk=consultation_id)
    try:
        handle = consultation.document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # The type judged from the bytes when the scan was recorded; sniffed again only for scans recorded before it was kept.
    content_type = consultation.document_content_type or (sniff(handle) or ("application/octet-stream",))[0]
    response = FileResponse(
        handle, as_attachment=True, filename=consultation.document_name or f"y-kien-cap-uy-{consultation.pk}",
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
