"""Pages of incidents (signed-in and public), supervision records and the register.

Thin function views: every change goes through `services`; a service's ValidationError is shown next to its
field; every page, list and download reads through the scoping selectors (404 outside scope, 403 for a person
who sees the record but may not take the action).

`incidents:report` ("gui/") is the page other stages link to, as `?de_xuat=<proposal id>&loai=<refusal|
non_compliance>`: both parameters only pre-fill the form.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.downloads import stored_file_response
from proposals.forms import add_service_errors
from proposals.models import Proposal

from . import forms, rules, selectors, services, throttle
from .models import Incident, RegisterEntry, SupervisionRecord

# --- Incidents: reporting ------------------------------------------------------------------------------------------


def _proposal_by_code(user, code: str) -> Proposal | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return Proposal.objects.visible_to(user).filter(code=code).select_related("unit").first()


def _already_sent(error: ValidationError, *, token, reporter) -> Incident | None:
    """The report a double submission already recorded, when `error` says so."""
    if getattr(error, "code", None) != "duplicate" or token is None:
        return None
    return Incident.objects.filter(submission_token=token, reporter=reporter).first()


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """A signed-in person reports an Art. 6 act (INC-1), about a proposal they may see or about a unit."""
    user = request.user
    if request.method == "POST":
        proposal = _proposal_by_code(user, request.POST.get("proposal_code", ""))
        form = forms.IncidentReportForm(request.POST, request.FILES, user=user, proposal=proposal)
        if form.is_valid():
            data = form.cleaned_data
            try:
                incident, _receipt = services.incident_report(
                    by=user, kind=data["kind"], conduct=data["conduct"], proposal=data["proposal"], unit=data["unit"],
                    reported_people=data["reported_people"], reported_text=data["reported_text"],
                    description=data["description"], is_denunciation=data["is_denunciation"], evidence=data["evidence"],
                    token=data["token"],
                )
            except ValidationError as error:
                sent = _already_sent(error, token=data["token"], reporter=user)
                if sent is not None:
                    return redirect("incidents:detail", pk=sent.pk)
                add_service_errors(form, error)
            else:
                if incident.is_denunciation:
                    messages.success(request, _("Đã tiếp nhận đơn tố cáo %(number)s; đơn được chuyển giải quyết theo "
                                                "Luật Tố cáo.") % {"number": incident.number})
                else:
                    messages.success(request, _("Đã gửi phản ánh %(number)s đến cơ quan kiểm tra, thanh tra có thẩm "
                                                "quyền.") % {"number": incident.number})
                return redirect("incidents:detail", pk=incident.pk)
    else:
        proposal = selectors.proposal_for_reporter(user=user, pk=request.GET.get("de_xuat"))
        initial = {"proposal_code": proposal.code} if proposal is not None and proposal.code else {}
        conduct = forms.LINKED_CONDUCT.get(request.GET.get("loai", ""))
        if conduct is not None:
            initial.update(kind=Incident.Kind.NON_COMPLIANCE, conduct=conduct)
        form = forms.IncidentReportForm(initial=initial, user=user, proposal=proposal)
    return render(request, "incidents/report_form.html", {"form": form, "proposal": proposal})


# --- Incidents: lists and pages ------------------------------------------------------------------------------------

MINE, TO_HANDLE = "cua-toi", "can-xu-ly"


def _after(value) -> int | None:
    return value if isinstance(value, int) and value > 0 else None


@login_required
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    """The person's own reports, and for handlers the incidents they handle, filtered, paged by key.

    Queries: the handler's paths (1), one page of incidents (1), whatever the number of rows."""
    user = request.user
    paths = selectors.handler_paths(user=user)
    view = request.GET.get("xem") or (TO_HANDLE if paths else MINE)
    if view not in (MINE, TO_HANDLE) or (view == TO_HANDLE and not paths):
        view = MINE
    form = forms.IncidentFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    page = selectors.incident_list(
        user=user, mine=view == MINE, paths=paths, status=filters.get("status", ""), kind=filters.get("kind", ""),
        after=_after(filters.get("sau")),
    )
    query = urlencode({"xem": view, **{k: v for k, v in filters.items() if v and k != "sau"}})
    return render(request, "incidents/list.html", {
        "page": page, "form": form, "view": view, "handler": bool(paths), "query": query, "MINE": MINE,
        "TO_HANDLE": TO_HANDLE,
    })


def _detail_context(request: HttpRequest, incident: Incident, paths: list[str], **bound) -> dict:
    user = request.user
    handling = selectors.handles(incident=incident, user=user, paths=paths)
    today = timezone.localdate()
    context = {
        "incident": incident,
        "handling": handling,
        "is_reporter": incident.reporter_id == user.pk,
        "evidence": list(incident.evidence.all()),
        "reported_people": list(incident.reported_people.order_by("full_name")),
    }
    if handling:
        context["steps"] = list(incident.steps.select_related("recorded_by"))
        status = incident.status
        if status in (Incident.Status.RECEIVED, Incident.Status.HANDLING):
            context["step_form"] = bound.get("step_form") or forms.StepForm(initial={"happened_on": today})
        if status == Incident.Status.HANDLING:
            context["close_form"] = bound.get("close_form") or forms.CloseForm(initial={"outcome_on": today})
        if status == Incident.Status.ROUTED and incident.forwarded_on is None:
            context["forward_form"] = bound.get("forward_form") or forms.ForwardForm(initial={"forwarded_on": today})
    return context


def _incident_in_scope(request: HttpRequest, pk: int) -> tuple[Incident, list[str]]:
    paths = selectors.handler_paths(user=request.user)
    return selectors.incident_for_user(user=request.user, pk=pk, paths=paths), paths


@login_required
@require_GET
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident, paths = _incident_in_scope(request, pk)
    return render(request, "incidents/detail.html", _detail_context(request, incident, paths))


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    """Evidence is never served publicly: only here, to the people who may see the incident."""
    incident, _paths = _incident_in_scope(request, pk)
    evidence = get_object_or_404(incident.evidence.all(), pk=evidence_id)
    return stored_file_response(evidence.file, evidence.original_name, evidence.content_type)


def _handle(request: HttpRequest, pk: int, *, form_class, form_name: str, perform) -> HttpResponse:
    """A handler's POST on an incident: 404 outside scope, 403 for someone who sees it but does not handle it."""
    incident, paths = _incident_in_scope(request, pk)
    if not selectors.handles(incident=incident, user=request.user, paths=paths):
        raise PermissionDenied(_("Chỉ cơ quan kiểm tra, thanh tra có thẩm quyền xử lý phản ánh."))
    form = form_class(request.POST) if form_class is not None else None
    if form is None or form.is_valid():
        try:
            message = perform(incident, form.cleaned_data if form is not None else {})
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
                return redirect("incidents:detail", pk=incident.pk)
            add_service_errors(form, error)
        else:
            messages.success(request, message)
            return redirect("incidents:detail", pk=incident.pk)
    incident.refresh_from_db()
    return render(request, "incidents/detail.html", _detail_context(request, incident, paths, **{form_name: form}))


@login_required
@require_POST
def incident_take_up(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(incident, data):
        services.incident_take_up(incident=incident, by=request.user)
        return _("Đã tiếp nhận xử lý phản ánh.")

    return _handle(request, pk, form_class=None, form_name="", perform=perform)


@login_required
@require_POST
def incident_step(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(incident, data):
        services.incident_step_record(incident=incident, by=request.user, happened_on=data["happened_on"], note=data["note"])
        return _("Đã ghi nhận bước xử lý.")

    return _handle(request, pk, form_class=forms.StepForm, form_name="step_form", perform=perform)


@login_required
@require_POST
def incident_close(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(incident, data):
        closed = services.incident_close(incident=incident, by=request.user, outcome=data["outcome"],
                                         reason=data["reason"], outcome_on=data["outcome_on"])
        return _("Đã kết thúc xử lý phản ánh: %(outcome)s.") % {"outcome": closed.get_outcome_display().lower()}

    return _handle(request, pk, form_class=forms.CloseForm, form_name="close_form", perform=perform)


@login_required
@require_POST
def incident_forward(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(incident, data):
        services.incident_forward(incident=incident, by=request.user, forwarded_to=data["forwarded_to"],
                                  forwarded_on=data["forwarded_on"])
        return _("Đã ghi nhận việc chuyển đơn tố cáo.")

    return _handle(request, pk, form_class=forms.ForwardForm, form_name="forward_form", perform=perform)


# --- Public pages: no login ------------------------------------------------------------------------------------------

RECEIPT_SESSION_KEY = "incidents_receipt"


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "incidents/public/too_many.html", status=429)
    response["Retry-After"] = str(throttle.WINDOW_SECONDS)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def public_report(request: HttpRequest) -> HttpResponse:
    """Anyone reports without an account (INC-1): named or anonymous, limited per address, with a honeypot.

    A person signed in who uses this form reports as the public does: without their account."""
    if request.method == "POST":
        if not throttle.allow(request, scope="report", per_hour=throttle.limit("report", 5)):
            return _too_many(request)
        form = forms.PublicReportForm(request.POST, request.FILES)
        if form.is_bot:
            # Nothing is stored; the message says no more than that.
            form.add_error(None, _("Không gửi được phản ánh. Vui lòng để trống ô cuối biểu mẫu và gửi lại."))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                incident, receipt = services.incident_report(
                    by=None, kind=data["kind"], conduct=data["conduct"], unit=data["unit"],
                    reported_text=data["reported_text"], description=data["description"],
                    is_denunciation=data["is_denunciation"], evidence=data["evidence"],
                    reporter_name=data["reporter_name"], reporter_contact=data["reporter_contact"], token=data["token"],
                )
            except ValidationError as error:
                if getattr(error, "code", None) == "duplicate":
                    # The same form sent twice (a double click): the first one's receipt is in the session.
                    return redirect("incidents:public_receipt")
                add_service_errors(form, error)
            else:
                request.session[RECEIPT_SESSION_KEY] = {"code": receipt, "routed": incident.is_denunciation}
                return redirect("incidents:public_receipt")
    else:
        form = forms.PublicReportForm()
    return render(request, "incidents/public/report_form.html", {"form": form})


@never_cache
@require_GET
def public_receipt(request: HttpRequest) -> HttpResponse:
    """The receipt code, shown once after sending (only its hash is kept)."""
    receipt = request.session.pop(RECEIPT_SESSION_KEY, None)
    if not receipt:
        return redirect("incidents:public_lookup")
    return render(request, "incidents/public/receipt.html", {"receipt": receipt})


@never_cache
@require_http_methods(["GET", "POST"])
def public_lookup(request: HttpRequest) -> HttpResponse:
    """The status of a report by its receipt code: the status only, never the handlers' notes or names.

    A POST keeps the code out of addresses and logs; the limit per address stops guessing."""
    found = None
    if request.method == "POST":
        if not throttle.allow(request, scope="lookup", per_hour=throttle.limit("lookup", 30)):
            return _too_many(request)
        form = forms.ReceiptLookupForm(request.POST)
        if form.is_valid():
            found = services.incident_by_receipt(form.cleaned_data["code"])
            if found is None:
                form.add_error("code", _("Không tìm thấy phản ánh có mã tiếp nhận này."))
    else:
        form = forms.ReceiptLookupForm()
    status = {"label": found.get_status_display(), "received_at": found.received_at, "routed": found.is_denunciation} if found else None
    return render(request, "incidents/public/lookup.html", {"form": form, "status": status})


# --- Supervision (SUP-1) ---------------------------------------------------------------------------------------------


def _reach(request: HttpRequest) -> list[rules.Reach]:
    reach = rules.supervisor_reach(user=request.user, today=timezone.localdate())
    if not reach:
        raise PermissionDenied(_("Chỉ cơ quan kiểm tra, giám sát (hoặc cơ quan đầu mối theo dõi) được xem mục này."))
    return reach


@login_required
@require_GET
def supervision_list(request: HttpRequest) -> HttpResponse:
    """Queries: the person's reach (1–2), the unit choices (1), one page of records (1)."""
    reach = _reach(request)
    units = selectors.units_in([r.path for r in reach])
    form = forms.SupervisionFilterForm(request.GET, units=units)
    filters = form.cleaned_data if form.is_valid() else {}
    page = selectors.supervision_list(reach=reach, unit=filters.get("unit"), year=filters.get("year"),
                                      after=_after(filters.get("sau")))
    query = urlencode({k: (v.pk if k == "unit" else v) for k, v in filters.items() if v and k != "sau"})
    return render(request, "incidents/supervision/list.html", {"page": page, "form": form, "query": query})


@login_required
@require_http_methods(["GET", "POST"])
def supervision_create(request: HttpRequest) -> HttpResponse:
    reach = _reach(request)
    units = selectors.units_in([r.path for r in reach])
    if request.method == "POST":
        form = forms.SupervisionForm(request.POST, units=units)
        if form.is_valid():
            data = form.cleaned_data
            try:
                record = services.supervision_create(
                    by=request.user, unit=data["unit"], body=data["body"], title=data["title"], plan=data["plan"],
                    planned_from=data["planned_from"], planned_to=data["planned_to"], proposal_codes=form.codes(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã lập kế hoạch kiểm tra, giám sát."))
                return redirect("incidents:supervision_detail", pk=record.pk)
    else:
        form = forms.SupervisionForm(units=units)
    return render(request, "incidents/supervision/form.html", {"form": form})


def _supervision_context(record: SupervisionRecord, **bound) -> dict:
    today = timezone.localdate()
    context = {
        "record": record,
        "proposals": list(record.proposals.select_related("unit").order_by("code")),
        "follow_ups": list(record.follow_ups.select_related("recorded_by")),
    }
    if record.state == SupervisionRecord.State.PLANNED:
        context["conclude_form"] = bound.get("conclude_form") or forms.ConcludeForm(initial={"concluded_on": today})
    elif record.state == SupervisionRecord.State.CONCLUDED:
        context["follow_form"] = bound.get("follow_form") or forms.FollowUpForm(initial={"happened_on": today})
    return context


@login_required
@require_GET
def supervision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.supervision_for_user(reach=_reach(request), pk=pk)
    return render(request, "incidents/supervision/detail.html", _supervision_context(record))


def _supervise(request: HttpRequest, pk: int, *, form_class, form_name: str, perform) -> HttpResponse:
    record = selectors.supervision_for_user(reach=_reach(request), pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            message = perform(record, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, message)
            return redirect("incidents:supervision_detail", pk=record.pk)
    record.refresh_from_db()
    return render(request, "incidents/supervision/detail.html", _supervision_context(record, **{form_name: form}))


@login_required
@require_POST
def supervision_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(record, data):
        services.supervision_conclude(record=record, by=request.user, **data)
        return _("Đã ghi nhận kết quả, kiến nghị.")

    return _supervise(request, pk, form_class=forms.ConcludeForm, form_name="conclude_form", perform=perform)


@login_required
@require_POST
def supervision_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(record, data):
        services.supervision_follow_up(record=record, by=request.user, **data)
        return _("Đã ghi nhận việc theo dõi thực hiện kiến nghị.")

    return _supervise(request, pk, form_class=forms.FollowUpForm, form_name="follow_form", perform=perform)


# --- The register (SUP-2) ------------------------------------------------------------------------------------------------


def _register_scope(request: HttpRequest) -> tuple[list[str], list[rules.Reach]]:
    """Where the person reads the register, and where they supervise (the tabs of "Giám sát")."""
    today = timezone.localdate()
    reach = rules.supervisor_reach(user=request.user, today=today)
    paths = selectors.register_paths(user=request.user, today=today, reach=reach)
    if not paths:
        raise PermissionDenied(_("Chỉ người đứng đầu, cơ quan tham mưu và cơ quan kiểm tra, giám sát được xem sổ này."))
    return paths, reach


def _register_paths(request: HttpRequest) -> list[str]:
    return _register_scope(request)[0]


@login_required
@require_GET
def register_list(request: HttpRequest) -> HttpResponse:
    """Queries: the person's reach (1–2), their head/secretariat units (1), the unit choices (1), one page (1)."""
    paths, reach = _register_scope(request)
    units = selectors.units_in(paths)
    form = forms.RegisterFilterForm(request.GET, units=units)
    filters = form.cleaned_data if form.is_valid() else {}
    page = selectors.register_list(paths=paths, unit=filters.get("unit"), kind=filters.get("kind", ""),
                                   status=filters.get("status", ""), after=_after(filters.get("sau")))
    query = urlencode({k: (v.pk if k == "unit" else v) for k, v in filters.items() if v and k != "sau"})
    return render(request, "incidents/register/list.html",
                  {"page": page, "form": form, "query": query, "nav_supervision": bool(reach)})


@login_required
@require_http_methods(["GET", "POST"])
def register_create(request: HttpRequest) -> HttpResponse:
    paths = _register_paths(request)
    units = selectors.units_in(paths)
    if request.method == "POST":
        form = forms.RegisterEntryForm(request.POST, units=units)
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.register_entry_create(
                    by=request.user, kind=data["kind"], unit=data["unit"], title=data["title"], content=data["content"],
                    legal_basis=data["legal_basis"], proposal_code=data["proposal_code"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã ghi vào sổ kiến nghị, mô hình."))
                return redirect("incidents:register_detail", pk=entry.pk)
    else:
        form = forms.RegisterEntryForm(units=units)
    return render(request, "incidents/register/form.html", {"form": form})


def _register_context(request: HttpRequest, entry: RegisterEntry, **bound) -> dict:
    today = timezone.localdate()
    context = {"entry": entry}
    if entry.status == RegisterEntry.Status.PROPOSED and rules.allowed(
        rules.register_editor, user=request.user, unit=entry.unit, today=today
    ):
        context["forward_form"] = bound.get("forward_form") or forms.RegisterForwardForm(
            entry=entry, initial={"forwarded_on": today, "forwarded_to": entry.unit.parent_id})
    if entry.status == RegisterEntry.Status.FORWARDED and rules.allowed(
        rules.register_decider, user=request.user, entry=entry, today=today
    ):
        context["decide_form"] = bound.get("decide_form") or forms.RegisterDecideForm(initial={"decided_on": today})
    return context


@login_required
@require_GET
def register_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.register_for_user(paths=_register_paths(request), pk=pk)
    return render(request, "incidents/register/detail.html", _register_context(request, entry))


def _answer(request: HttpRequest, pk: int, *, form_name: str, make_form, perform) -> HttpResponse:
    entry = selectors.register_for_user(paths=_register_paths(request), pk=pk)
    form = make_form(entry)
    if form.is_valid():
        try:
            message = perform(entry, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, message)
            return redirect("incidents:register_detail", pk=entry.pk)
    return render(request, "incidents/register/detail.html", _register_context(request, entry, **{form_name: form}))


@login_required
@require_POST
def register_forward(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(entry, data):
        services.register_entry_forward(entry=entry, by=request.user, **data)
        return _("Đã chuyển kiến nghị đến cấp có thẩm quyền.")

    return _answer(request, pk, form_name="forward_form", perform=perform,
                   make_form=lambda entry: forms.RegisterForwardForm(request.POST, entry=entry))


@login_required
@require_POST
def register_decide(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(entry, data):
        services.register_entry_decide(entry=entry, by=request.user, accepted=data["decision"] == "accepted",
                                       response=data["response"], decided_on=data["decided_on"])
        return _("Đã ghi nhận ý kiến trả lời.")

    return _answer(request, pk, form_name="decide_form", perform=perform,
                   make_form=lambda entry: forms.RegisterDecideForm(request.POST))
