"""The endpoints of /api/v1/ (issue 13 §1). Thin, as the pages are: every read goes through the selectors the pages
use (`Proposal.objects.visible_to` underneath: outside scope is the same 404 as in the browser), every write
through an action's declaration (core.actions) and so through its service.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.exceptions import ValidationError as InputError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import Position
from accounts.selectors import units_in_scope_of
from core.audit import audit_context
from core.documents import DocumentRenderError
from core.paging import BadCursor, Key, bounded_count, seek_page, seek_tiers
from core.stages import stages
from proposals import selectors
from proposals.actions import DOCUMENT_NOT_RENDERED, acting_situation, page_situation, stage_sections
from proposals.context_processors import acting_for
from proposals.forms import ProposalFilterForm
from reports.views import FILES as REPORT_FILES

from . import serializers
from .authentication import MayAct
from .documents import document_download, documents_of
from .problems import CONTENT_TYPE as PROBLEM_TYPE
from .problems import field_errors, problem_response
from .reports import report_file, reports_page

logger = logging.getLogger(__name__)
PAGE_SIZE = 20


def problem(description: str) -> OpenApiResponse:
    return OpenApiResponse(serializers.ProblemSerializer, description=description)


PROBLEMS = {(status, PROBLEM_TYPE): problem(description) for status, description in {
    400: "invalid input (`errors` by field)", 401: "no valid token", 403: "not allowed",
    404: "not found, or outside the person's scope", 405: "method not allowed", 406: "not acceptable",
    429: "rate limit (Retry-After)", 500: "server error",
}.items()}
CURSOR = OpenApiParameter("cursor", str, description="the `next` URL carries it; absent: the first page")


def _page_url(request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    query = request.query_params.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _seek(seek, *args, request, **kwargs):
    try:
        return seek(*args, cursor=request.query_params.get("cursor"), **kwargs)
    except BadCursor:
        raise InputError({"cursor": [_("Con trỏ trang không hợp lệ.")]}) from None


# --- Proposals ----------------------------------------------------------------------------------------------

FILTERS = [
    OpenApiParameter("q", str, description="search, accents ignored, one word of 3+ letters"),
    OpenApiParameter("unit", int, description="a unit in scope (its subtree included)"),
    OpenApiParameter("status", str), OpenApiParameter("field", str), OpenApiParameter("year", int),
    OpenApiParameter("overdue", bool), OpenApiParameter("sort", str, enum=["", "newest", "due", "title"]),
]


@extend_schema(operation_id="proposals_list", summary="Proposals the person may see, filtered as the list page", parameters=[*FILTERS, CURSOR],
               responses={200: serializers.ProposalPageSerializer, **PROBLEMS})
@api_view(["GET"])
def proposal_list(request):
    """The list page's filters (proposals.forms.ProposalFilterForm) and query (proposals.selectors.proposal_list),
    keyset-paged; a filter the form refuses is a 400 here, where the page would ignore it."""
    today = timezone.localdate()
    units = units_in_scope_of(person=request.user, on_date=today, roles=tuple(Position.Role.values))
    params = request.query_params.copy()
    params.pop("cursor", None)
    form = ProposalFilterForm(params, units=units, today=today)
    if not form.is_valid():
        raise InputError(field_errors(form.errors))
    held = acting_for(request)["positions"]
    listed = selectors.proposal_list(user=request.user, today=today, held=held, **{
        name: value for name, value in form.cleaned_data.items() if value not in (None, "")})
    page = _seek(seek_tiers, listed.tiers, listed.keys, request=request, size=PAGE_SIZE)
    count, more = bounded_count(listed.matches, listed.keys)
    badges = selectors.DueBadges(today)
    for proposal in page.rows:
        proposal.due_state = selectors.due_state(badges, proposal)
    return Response({"count": count, "count_more": more, "next": _page_url(request, page.next_cursor),
                     "results": serializers.ProposalRowSerializer(page.rows, many=True).data})


def _proposal(request, pk: int, **kwargs):
    return selectors.proposal_for_user(user=request.user, pk=pk, held=acting_for(request)["positions"], **kwargs)


@extend_schema(operation_id="proposal_retrieve", summary="One proposal, its plan as the person reads it", responses={200: serializers.ProposalSerializer, **PROBLEMS})
@api_view(["GET"])
def proposal_detail(request, pk: int):
    proposal = _proposal(request, pk, prefetch=selectors.proposal_page_prefetch())
    proposal.shown_plan = selectors.plan_shown_to(proposal=proposal, user=request.user)
    proposal.plan_is_draft = proposal.shown_plan is proposal
    proposal.version_numbers = [version.number for version in proposal.versions.all()]
    return Response(serializers.ProposalSerializer(proposal).data)


@extend_schema(operation_id="proposal_versions", summary="The submitted versions of the plan", responses={200: serializers.VersionSerializer(many=True), **PROBLEMS})
@api_view(["GET"])
def version_list(request, pk: int):
    proposal = _proposal(request, pk)
    versions = proposal.versions.select_related("submitted_by").order_by("number")
    return Response(serializers.VersionSerializer(versions, many=True).data)


@extend_schema(operation_id="proposal_timeline", summary="What happened, from the audit log (the page's “Diễn biến”)",
               responses={200: serializers.TimelineEventSerializer(many=True), **PROBLEMS})
@api_view(["GET"])
def timeline(request, pk: int):
    proposal = _proposal(request, pk)
    return Response(serializers.TimelineEventSerializer(selectors.proposal_timeline(proposal), many=True).data)


@extend_schema(operation_id="proposal_documents", summary="The documents issued on the proposal, with their SHA-256",
               responses={200: serializers.DocumentSerializer(many=True), **PROBLEMS})
@api_view(["GET"])
def document_list(request, pk: int):
    proposal = _proposal(request, pk)
    return Response(serializers.DocumentSerializer(documents_of(proposal), many=True).data)


@extend_schema(operation_id="proposal_document_download", summary="A document as stored when it was issued (PDF; X-Content-SHA256)",
               responses={(200, "application/pdf"): OpenApiTypes.BINARY,
                          (409, PROBLEM_TYPE): problem("the stored file no longer matches its SHA-256"), **PROBLEMS})
@api_view(["GET"])
def document_download_view(request, pk: int, number: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    return document_download(proposal, number, by=request.user)


# --- Actions ------------------------------------------------------------------------------------------------


def _key(action) -> str:
    return f"{action.stage}.{action.name}"


def _fields(form) -> list[dict]:
    fields = []
    for name, field in form.fields.items():
        described = {"name": name, "label": str(field.label or name), "required": field.required,
                     "type": type(field).__name__}
        if getattr(field, "choices", None) is not None and not hasattr(field, "queryset"):
            described["choices"] = [[value, str(label)] for value, label in field.choices]
        fields.append(described)
    return fields


def _action_url(request, proposal, action, target) -> str:
    args = [proposal.pk, _key(action)] + ([target.pk] if target is not None else [])
    return request.build_absolute_uri(reverse("api:action_run" if target is None else "api:action_run_on", args=args))


@extend_schema(operation_id="proposal_actions", summary="What the person may do on the proposal now", responses={200: serializers.ActionListSerializer, **PROBLEMS})
@api_view(["GET"])
def action_list(request, pk: int):
    """The offers of the proposal page (core.actions: `who` and `when` of each declaration), with their forms' fields."""
    proposal = _proposal(request, pk)
    situation = page_situation(proposal=proposal, user=request.user, held=acting_for(request)["positions"])
    actions, notes = [], []
    for section in stage_sections(situation):
        notes += [str(note) for note in section.notes]
        for offer in section.offers:
            target = offer.situation.target
            actions.append({
                "key": _key(offer.action), "stage": offer.action.stage, "name": offer.action.name,
                "label": str(offer.action.label), "target": target.pk if target is not None else None,
                "confirm": str(offer.action.confirm), "url": _action_url(request, proposal, offer.action, target),
                "fields": _fields(offer.form),
            })
    return Response({"actions": actions, "notes": notes})


def _declared(key: str):
    stage_label, _dot, name = key.partition(".")
    try:
        stage = stages.get(stage_label)
    except KeyError:
        raise NotFound from None
    action = next((action for action in stage.actions if action.name == name), None)
    if action is None:
        raise NotFound
    return action


ACTION_SCHEMA = {
    "request": {"application/json": OpenApiTypes.OBJECT, "multipart/form-data": OpenApiTypes.OBJECT},
    "responses": {200: serializers.ActionResultSerializer,
                  (503, PROBLEM_TYPE): problem("the document could not be rendered"), **PROBLEMS},
}


@extend_schema(operation_id="proposal_action_run", summary="Take an action: its form validates the body", **ACTION_SCHEMA)
@api_view(["POST"])
@permission_classes([IsAuthenticated, MayAct])
def action_run(request, pk: int, key: str):
    return _run(request, pk, key, None)


@extend_schema(operation_id="proposal_action_run_on", summary="Take an action on a record of the proposal (a meeting)",
               **ACTION_SCHEMA)
@api_view(["POST"])
@permission_classes([IsAuthenticated, MayAct])
def action_run_on(request, pk: int, key: str, target_id: int):
    return _run(request, pk, key, target_id)


def _prefixed(data, prefix: str | None):
    """The body's keys as the form's prefixed names ("text" → "approve-text"); lists kept (a QueryDict's too)."""
    if not prefix:
        return data
    if isinstance(data, QueryDict | MultiValueDict):
        prefixed = MultiValueDict()
        for name, values in data.lists():
            prefixed.setlist(f"{prefix}-{name}", values)
        return prefixed
    return {f"{prefix}-{name}": value for name, value in data.items()}


def _run(request, pk: int, key: str, target_id: int | None):
    """The browser's action view (proposals.actions.action_view) with JSON in and out: scope (404), the record acted
    on (404), `who` (403), the form (400 by field), then `perform` with the token named in the audit event."""
    action = _declared(key)
    if (target_id is None) != (action.target is None):
        raise NotFound
    proposal = _proposal(request, pk)
    situation = acting_situation(action, proposal=proposal, user=request.user, target_id=target_id)
    if not isinstance(request.data, dict):
        raise ParseError(_("Nội dung gửi lên phải là một đối tượng JSON."))
    prefix = action.form(situation).prefix  # the page's forms are prefixed; the API's bodies are not
    form = action.form(situation, _prefixed(request.data, prefix), _prefixed(request.FILES, prefix))
    if not form.is_valid():
        raise InputError(field_errors(form.errors))
    token = request.auth if hasattr(request.auth, "may_act") else None
    try:
        with transaction.atomic(), audit_context(via="api", token=token.name if token else ""):
            message = action.perform(situation, form.cleaned_data)
    except ValidationError as error:
        raise InputError(field_errors(error.message_dict if hasattr(error, "error_dict") else error.messages)) from None
    except DocumentRenderError:
        logger.exception("Could not render the document of %s on proposal %s", request.path, proposal.pk)
        return problem_response(503, str(DOCUMENT_NOT_RENDERED))
    proposal.refresh_from_db(fields=["status"])
    return Response({"message": str(message), "proposal": proposal.pk, "status": proposal.status})


# --- Units, positions, reports ------------------------------------------------------------------------------


@extend_schema(operation_id="units_list", summary="The units in the person's scope", parameters=[CURSOR],
               responses={200: serializers.page_of(serializers.UnitSerializer), **PROBLEMS})
@api_view(["GET"])
def unit_list(request):
    units = units_in_scope_of(person=request.user, on_date=timezone.localdate(), roles=tuple(Position.Role.values))
    page = _seek(seek_page, units, [Key("pk")], request=request, size=100)
    return Response({"next": _page_url(request, page.next_cursor),
                     "results": serializers.UnitSerializer(page.rows, many=True).data})


@extend_schema(operation_id="positions_list", summary="The dated positions in the units of the person's scope",
               parameters=[CURSOR, OpenApiParameter("unit", int, description="one unit of the scope")],
               responses={200: serializers.page_of(serializers.PositionSerializer), **PROBLEMS})
@api_view(["GET"])
def position_list(request):
    units = units_in_scope_of(person=request.user, on_date=timezone.localdate(), roles=tuple(Position.Role.values))
    positions = Position.objects.filter(unit__in=units.values("pk")).select_related("person")
    unit = request.query_params.get("unit")
    if unit is not None:
        if not unit.isdigit():
            raise InputError({"unit": [_("Mã đơn vị phải là số.")]})
        positions = positions.filter(unit_id=int(unit))
    page = _seek(seek_page, positions, [Key("pk")], request=request, size=100)
    return Response({"next": _page_url(request, page.next_cursor),
                     "results": serializers.PositionSerializer(page.rows, many=True).data})


@extend_schema(operation_id="reports_list", summary="Annual reports of the units whose reports the person reads", parameters=[CURSOR],
               responses={200: serializers.page_of(serializers.ReportSerializer), **PROBLEMS})
@api_view(["GET"])
def report_list(request):
    rows, cursor = _seek(reports_page, request.user, request=request, build_url=request.build_absolute_uri)
    return Response({"next": _page_url(request, cursor), "results": serializers.ReportSerializer(rows, many=True).data})


@extend_schema(operation_id="report_file_download", summary="A file of a produced report version, as stored (X-Content-SHA256)",
               responses={**{(200, content_type.split(";")[0]): OpenApiTypes.BINARY
                             for _extension, content_type in REPORT_FILES.values()},
                          (409, PROBLEM_TYPE): problem("the stored file no longer matches its SHA-256"), **PROBLEMS})
@api_view(["GET"])
def report_download(request, run_id: int, kind: str):
    if kind not in REPORT_FILES:
        raise Http404
    return report_file(request.user, run_id, kind)

