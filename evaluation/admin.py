"""Read-only admin for what the evaluating unit recorded: state changes happen only through the services.

Superusers only (as approvals.admin): the admin reads every proposal's records, bypassing the scope rule.
Stored files are served only by the scope-checked views; their hashes are shown here.
"""

from django.contrib import admin

from approvals.admin import SuperuserOnlyAdmin

from .models import (
    Conclusion,
    EncouragementRecord,
    EvaluationConsultation,
    EvaluationMeeting,
    EvaluationVote,
    ProtectionRecord,
)


@admin.register(EvaluationConsultation)
class EvaluationConsultationAdmin(SuperuserOnlyAdmin):
    list_display = ["proposal", "committee", "opinion_date", "recorded_by", "recorded_at"]
    search_fields = ["proposal__code", "committee"]
    list_select_related = ["proposal", "recorded_by"]
    exclude = ["document"]
    readonly_fields = ["document_sha256"]


@admin.register(EvaluationMeeting)
class EvaluationMeetingAdmin(SuperuserOnlyAdmin):
    list_display = ["proposal", "held_on", "unit", "chair", "rule", "state", "votes_for", "votes_against", "passed",
                    "minutes_number"]
    list_filter = ["state", "rule", "passed"]
    search_fields = ["proposal__code", "minutes_number"]
    list_select_related = ["proposal", "unit", "chair"]
    readonly_fields = ["minutes_sha256"]


@admin.register(EvaluationVote)
class EvaluationVoteAdmin(SuperuserOnlyAdmin):
    """Votes of closed meetings only, and no lookups on the secret fields (as approvals.admin.VoteAdmin)."""

    SECRET_FIELDS = ("choice", "reason")

    list_display = ["meeting", "voter", "choice", "cast_at"]
    search_fields = ["meeting__proposal__code", "voter__full_name"]
    list_select_related = ["meeting__proposal", "voter"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(meeting__state=EvaluationMeeting.State.CLOSED)

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.split("__", 1)[0] in self.SECRET_FIELDS:
            return False
        return super().lookup_allowed(lookup, value, request)


@admin.register(Conclusion)
class ConclusionAdmin(SuperuserOnlyAdmin):
    list_display = ["number", "proposal", "outcome", "damage", "protection_basis", "issued_on", "signer"]
    list_filter = ["outcome", "protection_basis", "path"]
    search_fields = ["number", "proposal__code"]
    list_select_related = ["proposal", "signer"]
    readonly_fields = ["pdf_sha256"]


@admin.register(ProtectionRecord)
class ProtectionRecordAdmin(SuperuserOnlyAdmin):
    list_display = ["number", "proposal", "party_name", "party_kind", "measure", "issued_on", "final_number"]
    list_filter = ["measure", "party_kind"]
    search_fields = ["number", "proposal__code", "party_name"]
    list_select_related = ["proposal"]
    readonly_fields = ["pdf_sha256"]


@admin.register(EncouragementRecord)
class EncouragementRecordAdmin(SuperuserOnlyAdmin):
    list_display = ["number", "proposal", "party_name", "party_kind", "form", "by_proposal", "issued_on"]
    list_filter = ["form", "by_proposal", "party_kind"]
    search_fields = ["number", "proposal__code", "party_name"]
    list_select_related = ["proposal"]
    readonly_fields = ["pdf_sha256"]
