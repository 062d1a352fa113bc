"""Read-only admin for what the deciding unit recorded: state changes happen only through the services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from proposals.admin import ReadOnlyAdmin

from .models import Consultation, Decision, Meeting, Vote


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["proposal", "version", "committee", "opinion_date", "recorded_by", "recorded_at"]
    search_fields = ["proposal__code", "committee"]
    list_select_related = ["proposal", "recorded_by"]
    date_hierarchy = "opinion_date"
    # The scan lives outside any public path: it is served only by the scope-checked download view.
    exclude = ["document"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
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
class VoteAdmin(ReadOnlyAdmin):
    """Choices stay hidden while the vote is open, here as on the proposal page."""

    list_display = ["meeting", "voter", "choice_if_closed", "cast_at"]
    list_filter = ["meeting__state"]
    search_fields = ["meeting__proposal__code", "voter__full_name"]
    list_select_related = ["meeting__proposal", "voter"]

    @admin.display(description=_("ý kiến"))
    def choice_if_closed(self, obj):
        if obj.meeting.state != Meeting.State.CLOSED:
            return _("(công bố khi kết thúc biểu quyết)")
        return obj.get_choice_display()

    def get_fields(self, request, obj=None):
        fields = ["meeting", "voter", "choice", "reason", "cast_at"]
        if obj is not None and obj.meeting.state != Meeting.State.CLOSED:
            return ["meeting", "voter", "cast_at"]
        return fields


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "proposal", "version", "unit", "issued_on", "signer", "signer_title"]
    list_filter = ["kind", "register", "register_year"]
    search_fields = ["number", "proposal__code"]
    list_select_related = ["proposal", "unit", "signer"]
    date_hierarchy = "issued_on"
    # As for the minutes: the stored `pdf` only through the download view, its hash here.
    readonly_fields = ["pdf_sha256"]
