"""Read-only admin for what the deciding unit recorded: state changes happen only through the services.

Superusers only, for every model here: the admin reads every proposal's consultations, meetings, votes and
decisions, bypassing the scope rule (spec README §6) that every other page applies, so a staff account
with view permissions must not reach it. Officials read these records on the proposal page, in scope.
"""

from django.contrib import admin

from core.admin_base import ReadOnlyAdmin

from .models import Consultation, Decision, Meeting, Vote


class SuperuserOnlyAdmin(ReadOnlyAdmin):
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Consultation)
class ConsultationAdmin(SuperuserOnlyAdmin):
    list_display = ["proposal", "version", "committee", "opinion_date", "recorded_by", "recorded_at"]
    search_fields = ["proposal__code", "committee"]
    list_select_related = ["proposal", "recorded_by"]
    date_hierarchy = "opinion_date"
    # The scan lives outside any public path: it is served only by the scope-checked download view.
    exclude = ["document"]
    readonly_fields = ["document_sha256"]


@admin.register(Meeting)
class MeetingAdmin(SuperuserOnlyAdmin):
    list_display = [
        "proposal", "version", "held_on", "unit", "chair", "state", "votes_for", "votes_against", "votes_abstain",
        "tie_break_applied", "passed", "minutes_number",
    ]
    list_filter = ["state", "passed", "tie_break_applied"]
    search_fields = ["proposal__code", "minutes_number"]
    list_select_related = ["proposal", "unit", "chair"]
    date_hierarchy = "held_on"
    # The stored minutes (`minutes_pdf`, not editable) are served only by the scope-checked download view;
    # their hash is shown so that a printed or forwarded copy can be checked against the record.
    readonly_fields = ["minutes_sha256"]


@admin.register(Vote)
class VoteAdmin(SuperuserOnlyAdmin):
    """Votes of closed meetings only: while a vote is open nobody reads the choices, here as on the proposal page.

    Hiding the column is not enough: the changelist filters on any field given in the URL, so
    `?choice=against` or `?reason__gt=` would tell who voted how by which rows remain. The queryset leaves
    open meetings out, and lookups on the secret fields are refused outright, so that widening the queryset
    later cannot reopen that door.
    """

    SECRET_FIELDS = ("choice", "reason")

    list_display = ["meeting", "voter", "choice", "cast_at"]
    search_fields = ["meeting__proposal__code", "voter__full_name"]
    list_select_related = ["meeting__proposal", "voter"]
    fields = ["meeting", "voter", "choice", "reason", "cast_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(meeting__state=Meeting.State.CLOSED)

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.split("__", 1)[0] in self.SECRET_FIELDS:
            return False
        return super().lookup_allowed(lookup, value, request)


@admin.register(Decision)
class DecisionAdmin(SuperuserOnlyAdmin):
    list_display = ["number", "kind", "proposal", "version", "unit", "issued_on", "signer", "signer_title"]
    list_filter = ["kind", "register", "register_year"]
    search_fields = ["number", "proposal__code"]
    list_select_related = ["proposal", "unit", "signer"]
    date_hierarchy = "issued_on"
    # As for the minutes: the stored `pdf` only through the download view, its hash here.
    readonly_fields = ["pdf_sha256"]
