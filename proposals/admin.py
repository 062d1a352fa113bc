"""Admin for proposals: the legal profile is edited only as a new version; everything else is read-only.

Review D-10: a new version states its legal basis; a value the decree fixes, set otherwise, is confirmed explicitly
and shown on the profile's pages as "Khác với Nghị định 73" (`proposals.profiles`).

State changes go through the services (spec README §6, style.md §2): the admin shows proposals, versions
and attachments but never changes them.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Position
from core.admin_base import ModelAdmin, ReadOnlyAdmin

from .models import NO_ELIGIBLE_CATEGORY, Attachment, LegalProfile, PlanVersion, Proposal
from .profiles import (
    DEVIATION_LABEL,
    PROVENANCE_FIELDS,
    SETTINGS_FIELDS,
    decree_deviations,
    legal_profile_new_version,
    version_errors,
)


class LegalProfileForm(forms.ModelForm):
    # Required: a version with no Art. 2 category would let nobody propose (LegalProfile.clean says the same).
    eligible_categories = forms.MultipleChoiceField(
        label=_("Đối tượng được quyền đề xuất (Điều 2)"), widget=forms.CheckboxSelectMultiple,
        choices=[(value, label) for value, label in Position.Category.choices if value != Position.Category.OTHER],
        error_messages={"required": NO_ELIGIBLE_CATEGORY},
    )

    class Meta:
        model = LegalProfile
        fields = SETTINGS_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # D-10: the form creates the next version, which states its own basis and confirms its own deviations (an
        # older version's page is read-only: its form has no fields).
        for name in PROVENANCE_FIELDS:
            if name in self.fields:
                self.initial[name] = self.fields[name].initial = False if name == "deviation_confirmed" else ""
        if "legal_basis" in self.fields:
            self.fields["legal_basis"].required = True

    def clean(self):
        cleaned = super().clean()
        if not set(self.changed_data) - set(PROVENANCE_FIELDS):
            raise ValidationError(_("Không có thay đổi nào: phiên bản mới phải khác phiên bản hiện tại."), code="unchanged")
        values = {name: getattr(self.instance, name) for name in SETTINGS_FIELDS} | {
            name: value for name, value in cleaned.items() if name in SETTINGS_FIELDS
        }
        for name, message in version_errors(values).items():
            if name not in self.errors:
                self.add_error(name, message)
        return cleaned


def _latest_versions() -> dict[str, int]:
    return dict(LegalProfile.objects.values("code").annotate(latest=Max("version")).values_list("code", "latest"))


@admin.register(LegalProfile)
class LegalProfileAdmin(ModelAdmin):
    """Every version is shown read-only; the newest one's page is the form that creates the next version.

    Saving never updates a row: `legal_profile_new_version` creates version N+1 (with an audit event) and
    proposals submitted before keep the version they were submitted under.
    """

    form = LegalProfileForm
    list_display = [
        "code", "version", "name", "effective_from", "approval_threshold_percent", "denominator", "tie_rule",
        "override_allowed", "consultation_required", "deviations", "created_at", "created_by",
    ]
    list_display_links = ["code", "version"]
    list_filter = ["code"]
    list_select_related = ["created_by"]
    readonly_fields = ["code", "version", "created_at", "created_by", "deviations", "version_legal_basis"]
    actions = None
    save_as = False

    @admin.display(description=DEVIATION_LABEL)
    def deviations(self, obj):
        """D-10: this version's values that differ from the decree's, with the value held (None, shown "-", when none)."""
        shown = []
        for name in decree_deviations(obj):
            field = LegalProfile._meta.get_field(name)
            value = getattr(obj, name)
            if field.choices:
                value = getattr(obj, f"get_{name}_display")()
            elif isinstance(value, bool):
                value = gettext("Có") if value else gettext("Không")
            shown.append(f"{field.verbose_name}: {value}")
        return "; ".join(shown) or None

    @admin.display(description=_("căn cứ pháp lý của phiên bản"))
    def version_legal_basis(self, obj):
        return obj.legal_basis

    def get_fieldsets(self, request, obj=None):
        identity = (None, {"fields": (
            "code", "version", "created_at", "created_by", "deviations", "version_legal_basis",
        )})
        if obj is not None and self.has_change_permission(request, obj):
            return [identity, (_("Tạo phiên bản mới"), {
                "fields": SETTINGS_FIELDS,
                "description": _("Lưu sẽ tạo phiên bản mới (phiên bản %(next)s) với các giá trị dưới đây; phiên bản "
                                 "%(version)s được giữ nguyên. Đề xuất đã nộp tiếp tục áp dụng phiên bản đã nộp.")
                % {"next": obj.version + 1, "version": obj.version},
            })]
        return [identity, (_("Quy định"), {"fields": SETTINGS_FIELDS})]

    def has_add_permission(self, request):
        # Version 1 comes from the data migration (0002) with the legal defaults; later ones from the form.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        # Only the newest version of a code offers the "create new version" form; older ones are read-only.
        return obj is None or _latest_versions().get(obj.code) == obj.version

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save_and_continue": False, "show_save_and_add_another": False}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        # `obj` carries the form's values in memory only: the row is never saved.
        base = LegalProfile.objects.get(pk=obj.pk)
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in SETTINGS_FIELDS}
        try:
            request._legal_profile_created = legal_profile_new_version(base=base, by=request.user, changes=changes)
        except ValidationError as error:
            request._legal_profile_error = error

    def save_related(self, request, form, formsets, change):
        """Nothing to save: the profile has no related rows and the edited row is never written."""

    def log_change(self, request, obj, message):
        created = getattr(request, "_legal_profile_created", None)
        if created is not None:
            return self.log_addition(request, created, [{"added": {}}])
        return None

    def response_change(self, request, obj):
        error = getattr(request, "_legal_profile_error", None)
        if error is not None:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect(reverse("admin:proposals_legalprofile_change", args=[obj.pk]))
        created = request._legal_profile_created
        self.message_user(
            request,
            gettext("Đã tạo phiên bản %(version)s của bộ quy định; phiên bản %(base)s được giữ nguyên.")
            % {"version": created.version, "base": obj.version},
            messages.SUCCESS,
        )
        return redirect(reverse("admin:proposals_legalprofile_change", args=[created.pk]))


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = [
        "code", "title", "proposer", "unit", "decision_unit", "status", "route", "received_on", "review_due",
        "current_version", "approved_version", "profile",
    ]
    list_filter = ["status", "route", "field", "profile", "decision_unit__level"]
    search_fields = ["code", "title", "proposer__full_name"]
    list_select_related = ["proposer", "unit", "decision_unit", "profile"]
    date_hierarchy = "received_on"


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ["proposal", "number", "title", "submitted_at", "submitted_by"]
    search_fields = ["proposal__code", "title"]
    list_select_related = ["proposal", "submitted_by"]
    date_hierarchy = "submitted_at"


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "proposal", "version", "content_type", "size", "uploaded_by", "uploaded_at", "removed_at"]
    list_filter = ["content_type"]
    search_fields = ["original_name", "proposal__code", "sha256"]
    list_select_related = ["proposal", "uploaded_by"]
    # The file lives outside any public path: no link to it here (downloads go through scope-checked views).
    exclude = ["file", "storage_token"]
