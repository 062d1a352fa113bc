"""The shapes the API answers with; they read what the selectors return, they never decide who sees what."""

from rest_framework import serializers

from accounts.models import OrgUnit, Position
from proposals.models import PlanContent, PlanVersion, Proposal


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField(source="get_full_name")


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ProposalRowSerializer(serializers.ModelSerializer):
    """A row of the list: the columns the list page reads (proposals.selectors.LIST_COLUMNS)."""

    status_label = serializers.CharField(source="get_status_display")
    unit = UnitRefSerializer()
    proposer = PersonSerializer()
    due_state = serializers.CharField(allow_null=True, help_text="on_time | due_soon | overdue, while the review runs")

    class Meta:
        model = Proposal
        fields = ["id", "code", "title", "status", "status_label", "field", "unit", "proposer", "received_on",
                  "review_due", "due_state", "created_at"]


class ProposalPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="exact up to 1000")
    count_more = serializers.BooleanField(help_text="true: more than `count`")
    next = serializers.CharField(allow_null=True, help_text="the URL of the next page (keyset cursor)")
    results = ProposalRowSerializer(many=True)


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanVersion
        fields = list(PlanContent.CONTENT_FIELDS)


class VersionSerializer(serializers.ModelSerializer):
    submitted_by = PersonSerializer()
    plan = serializers.SerializerMethodField()

    class Meta:
        model = PlanVersion
        fields = ["number", "submitted_at", "submitted_by", "plan"]

    def get_plan(self, version) -> PlanSerializer:
        return PlanSerializer(version).data


class ProposalSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    unit = UnitRefSerializer()
    decision_unit = UnitRefSerializer(allow_null=True)
    proposer = PersonSerializer()
    co_authors = PersonSerializer(many=True)
    plan = serializers.SerializerMethodField(help_text="the working draft for its authors, else the version last submitted")
    plan_is_draft = serializers.BooleanField()
    versions = serializers.ListField(child=serializers.IntegerField(), source="version_numbers",
                                     help_text="the numbers of the submitted versions")

    class Meta:
        model = Proposal
        fields = ["id", "code", "title", "status", "status_label", "route", "unit", "decision_unit", "proposer",
                  "co_authors", "current_version", "approved_version", "received_on", "review_due", "returns_count",
                  "created_at", "updated_at", "plan_is_draft", "plan", "versions"]

    def get_plan(self, proposal) -> PlanSerializer(allow_null=True):
        return PlanSerializer(proposal.shown_plan).data if proposal.shown_plan is not None else None


class TimelineEventSerializer(serializers.Serializer):
    seq = serializers.IntegerField(source="event.seq")
    occurred_at = serializers.DateTimeField(source="event.occurred_at")
    actor = serializers.CharField(source="event.actor_name")
    role = serializers.CharField()
    unit = serializers.CharField(source="event.unit.name", default="")
    action = serializers.CharField(source="event.action")
    action_label = serializers.CharField(source="action")
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    file_name = serializers.CharField()
    version = serializers.IntegerField(allow_null=True)


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="its place in the proposal's documents, in the order they were issued")
    title = serializers.CharField()
    number = serializers.CharField()
    issued_at = serializers.DateTimeField()
    sha256 = serializers.CharField(help_text="recorded when it was issued; the download's X-Content-SHA256 matches it")
    download = serializers.CharField()


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "abbreviation", "level", "kind", "parent", "valid_from", "valid_to", "successor"]


class PositionSerializer(serializers.ModelSerializer):
    person = PersonSerializer()

    class Meta:
        model = Position
        fields = ["id", "person", "unit", "role", "title", "category", "start_date", "end_date"]


def page_of(item_serializer):
    """The shape of a keyset page of `item_serializer` rows (units, positions, reports)."""
    return type(f"{item_serializer.__name__.removesuffix('Serializer')}PageSerializer", (serializers.Serializer,), {
        "next": serializers.CharField(allow_null=True, help_text="the URL of the next page (keyset cursor)"),
        "results": item_serializer(many=True),
    })


class ReportFileSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="xlsx | pdf | csv | detail_csv")
    sha256 = serializers.CharField()
    download = serializers.CharField()


class ReportRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    final = serializers.BooleanField()
    finished_at = serializers.DateTimeField(allow_null=True)
    files = ReportFileSerializer(many=True)


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = UnitRefSerializer()
    year = serializers.IntegerField()
    period_kind = serializers.CharField()
    state = serializers.CharField()
    number = serializers.CharField()
    issued_on = serializers.DateField(allow_null=True)
    runs = ReportRunSerializer(many=True, help_text="the versions produced, newest first")


class FieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField()
    type = serializers.CharField(help_text="the Django form field's class, e.g. CharField, DateField (dd/mm/yyyy)")
    choices = serializers.ListField(child=serializers.ListField(), required=False)


class ActionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="stage.name: what to POST to")
    stage = serializers.CharField()
    name = serializers.CharField()
    label = serializers.CharField()
    target = serializers.IntegerField(allow_null=True, help_text="the record it acts on (a meeting, say), if any")
    confirm = serializers.CharField()
    url = serializers.CharField()
    fields = FieldSerializer(many=True)


class ActionListSerializer(serializers.Serializer):
    actions = ActionSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField(), help_text="why some action is not possible now")


class ActionResultSerializer(serializers.Serializer):
    message = serializers.CharField()
    proposal = serializers.IntegerField()
    status = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
