"""Forms of the proposer's side and the lists (decree73.md §4.1 plan contents, §1.6 Art. 5(1) checklist; the
Art. 1 question, the Art. 4(2) declaration and the Art. 8(2) flag of review-register-decide.md D-2, D-5, D-15).

The plan form is a plain `forms.Form` built from the model fields: it only parses what the user typed.
Whether a plan may be saved or submitted is decided by `proposals.services`, whose `ValidationError`s the
views attach to the fields named in them.
"""

import copy
import datetime
import functools

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, BadRequest, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, Position, User
from accounts.selectors import people_in_subtree, units_in_scope_of
from core.widgets import (
    PICKER_ERRORS,
    AutocompleteSelectMultiple,
    PlainSelect,
    UnitAutocompleteSelect,
    UnitPickerField,
    autocomplete_source,
)

from .models import END_BEFORE_START, FieldOfWork, PlanContent, Proposal
from .selectors import SEARCH_MIN_LENGTH, search_words
from .transitions import Status

DATE_HELP = _("Ngày/tháng/năm, ví dụ 05/04/2026.")
REQUIRED_ON_SUBMIT_HELP = _("Bắt buộc khi nộp kế hoạch.")
PLAN_TEXT_TOO_LONG = _("Nội dung dài %(show_value)d ký tự, vượt quá giới hạn %(limit_value)d ký tự của một mục.")

# The Art. 7(2) contents in the order of the decree, grouped as the form and the detail page show them.
PLAN_SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("chung", _("Thông tin chung"), ("title", "field")),
    # Art. 1 [C] (D-2): asked first, since a "yes" takes the plan out of this procedure.
    ("ap-dung", _("Phạm vi điều chỉnh của Nghị định 73/2023/NĐ-CP (Điều 1)"), ("pilot_legal_document",)),
    ("can-thiet", _("1. Sự cần thiết, mục đích, yêu cầu"), ("necessity", "bottleneck", "legal_references")),
    ("giai-phap", _("2. Nội dung, nhiệm vụ, giải pháp đổi mới, sáng tạo"), ("content_solutions",)),
    ("pham-vi", _("3. Phạm vi và chủ thể thực hiện"), ("scope", "implementers_targets", "wide_scope")),
    ("thoi-gian", _("4. Thời gian, lộ trình thực hiện"), ("start_date", "end_date", "milestones")),
    ("nguon-luc", _("5. Nguồn lực và tính khả thi"), ("resources", "feasibility")),
    ("tac-dong", _("6. Tác động và hiệu quả dự kiến"), ("impact", "expected_results", "indicators")),
    ("dieu-kien", _("Điều kiện theo Điều 5 khoản 1 Nghị định 73/2023/NĐ-CP (tự cam kết)"), PlanContent.ART5_FIELDS),
    ("tham-quyen", _("Thẩm quyền và sự phù hợp (Điều 4 khoản 2 Nghị định 73/2023/NĐ-CP)"), ("competence_declared",)),
)
# Art. 1 [C] (D-2): the question as the proposer answers it (the model's label states the answer "yes").
PILOT_QUESTION = _("Kết quả của đề xuất có phải là ban hành văn bản quy phạm pháp luật theo hình thức thí điểm không?")

DATE_PLACEHOLDER = "dd/mm/yyyy"


class DateInput(forms.DateInput):
    """A text input in dd/mm/yyyy: 05/04/2026 is 5 April (config.formats.vi reads it that way only)."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": DATE_PLACEHOLDER, "inputmode": "numeric", **(attrs or {})}, format="%d/%m/%Y")


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: keyed messages next to their field, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields and field != NON_FIELD_ERRORS else None, messages)
    else:
        form.add_error(None, error)


def _plan_text_limit(field: forms.Field) -> None:
    """A free-text field of the plan takes at most PLAN_TEXT_MAX_LENGTH characters: that bounds "the largest plan",
    whose version comparison must stay fast (issue 11 §5)."""
    field.max_length = settings.PLAN_TEXT_MAX_LENGTH
    field.validators.append(MaxLengthValidator(field.max_length, message=PLAN_TEXT_TOO_LONG))


@functools.cache
def _plan_field_prototypes() -> dict[str, forms.Field]:
    """The plan's fields, built once per process: `fields_for_model` was most of a form's construction (issue 10).
    Each form takes deep copies (`_plan_fields`), as Django gives each form copies of the fields its class declares."""
    text_widget = {"rows": 3}
    date_widget = DateInput(attrs={"autocomplete": "off"})
    fields = forms.fields_for_model(
        Proposal,
        fields=PlanContent.CONTENT_FIELDS,
        widgets={
            **{name: forms.Textarea(attrs=text_widget) for name in PlanContent.CONTENT_FIELDS
               if isinstance(Proposal._meta.get_field(name), models.TextField)},
            "start_date": date_widget,
            "end_date": date_widget,
            # Unanswered (None) until the proposer picks one: the answer is required to submit (D-2).
            "pilot_legal_document": forms.RadioSelect(choices=[(True, _("Có")), (False, _("Không"))]),
        },
    )
    fields["field"].choices = [("", _("— Chọn lĩnh vực —")), *FieldOfWork.choices]
    for name in fields:
        if isinstance(Proposal._meta.get_field(name), models.TextField):
            _plan_text_limit(fields[name])
    for name in ("start_date", "end_date"):
        fields[name].help_text = DATE_HELP
    fields["pilot_legal_document"].label = PILOT_QUESTION
    fields["pilot_legal_document"].help_text = _(
        "Nếu có, đề xuất không thực hiện theo Nghị định 73/2023/NĐ-CP mà theo Luật Ban hành văn bản quy phạm pháp luật "
        "số 64/2025/QH15 và Quy chế làm việc của Chính phủ; hệ thống không nhận nộp kế hoạch."
    )
    fields["competence_declared"].help_text = _(
        "Cán bộ đề xuất xác nhận khi nộp; người đứng đầu xác nhận lại khi ban hành quyết định cho triển khai."
    )
    fields["wide_scope"].help_text = _(
        "Đánh dấu nếu đề xuất có phạm vi rộng, nội dung phức tạp, để cơ quan xem xét bố trí việc xem xét phù hợp."
    )
    return fields


def _plan_fields() -> dict[str, forms.Field]:
    return copy.deepcopy(_plan_field_prototypes())


def _parent_path(path: str) -> str:
    """The subtree a co-author may come from: the unit's parent ("/1/7/" → "/1/"), or the unit when it is a root."""
    parts = [part for part in path.split("/") if part]
    return f"/{'/'.join(parts[:-1])}/" if len(parts) > 1 else path


def coauthor_candidates(*, units, exclude_user, keep=()) -> "forms.QuerySet[User]":
    """People holding a position today in the subtree of the proposer's unit's parent (their province or ministry)."""
    paths = sorted({_parent_path(unit.path) for unit in units})
    candidates = people_in_subtree(paths=paths, on_date=timezone.localdate())
    # Co-authors already on the plan stay valid choices even when they no longer qualify.
    kept = User.objects.filter(pk__in=[person.pk for person in keep])
    return (candidates | kept).exclude(pk=exclude_user.pk).order_by("full_name", "username")


def _coauthor_salt(user) -> str:
    return f"proposals.co_authors:{user.pk}"


@autocomplete_source("co_authors")
def _coauthor_source(request) -> "forms.QuerySet[User]":
    """What the co-author picker may offer: the candidates of the form that signed `?units=` for this very user."""
    try:
        unit_ids = signing.loads(request.GET.get("units", ""), salt=_coauthor_salt(request.user))
    except signing.BadSignature as error:
        raise BadRequest("Bad units.") from error
    return coauthor_candidates(units=OrgUnit.objects.filter(pk__in=unit_ids), exclude_user=request.user)


class _ChoicesOnDemand(forms.models.ModelChoiceIterator):
    """A ModelChoiceIterator that asks its field for the queryset when iterated, not when the field is made."""

    def __init__(self, field):
        self.field = field

    @property
    def queryset(self):
        return self.field.queryset


class CoAuthorField(forms.ModelMultipleChoiceField):
    """Thousands of people in a province: only the chosen ones are rendered, the others are searched (core.widgets).

    The candidates (`coauthor_candidates` for `units`, `user` excluded, `keep` kept) are a query built only when
    the field needs it, to check the co-authors posted or show the chosen ones: a plan posted without co-authors
    never builds it (issue 10)."""

    iterator = _ChoicesOnDemand

    def __init__(self, *, user, units, keep=(), **kwargs):
        # The units, signed for the user: the search offers exactly this form's candidates and cannot be pointed
        # at another province.
        scope = signing.dumps(sorted(unit.pk for unit in units), salt=_coauthor_salt(user))
        widget = AutocompleteSelectMultiple(purpose="co_authors", params={"units": scope})
        self._candidates = functools.partial(coauthor_candidates, units=units, exclude_user=user, keep=keep)
        super().__init__(queryset=None, widget=widget, error_messages=PICKER_ERRORS, **kwargs)

    @property
    def queryset(self):
        if self._queryset is None:
            self._queryset = self._candidates()
        return self._queryset

    @queryset.setter
    def queryset(self, queryset):
        forms.ModelMultipleChoiceField.queryset.fset(self, queryset)

    def clean(self, value):
        if not value and not self.required:
            return User.objects.none()
        return super().clean(value)

    def label_from_instance(self, obj):
        return f"{obj.get_full_name()} ({obj.username})"


class PositionChoiceField(forms.TypedChoiceField):
    """One of `positions` (with their units), as the view has read them: choosing one costs no query (issue 10)."""

    def __init__(self, *, positions, **kwargs):
        by_pk = {str(position.pk): position for position in positions}
        choices = [(pk, f"{position.title or position.get_role_display()} — {position.unit.name}") for pk, position in by_pk.items()]
        super().__init__(choices=choices, coerce=by_pk.__getitem__, **kwargs)

    def prepare_value(self, value):
        return value.pk if isinstance(value, Position) else value


class ProposalPlanForm(forms.Form):
    """The plan (Art. 7(2)), the Art. 5(1) checklist and the co-authors; `position` only when creating.

    Saving a draft needs only the title: everything else is checked by `proposal_submit`.
    """

    def __init__(self, *args, user, units, required_on_submit=(), positions=None, co_author_initial=(), **kwargs):
        """`required_on_submit`: the fields `proposal_submit` will ask for, marked as such in their help text (or
        later, by `mark_required_on_submit`, when the form is shown)."""
        super().__init__(*args, **kwargs)
        if positions is not None:
            self.fields["position"] = PositionChoiceField(
                label=_("Đề xuất với tư cách"),
                positions=positions,
                help_text=_("Chức vụ bạn đang giữ thuộc đối tượng được quyền đề xuất theo Điều 2 Nghị định 73/2023/NĐ-CP."),
            )
        self.fields.update(_plan_fields())
        self.mark_required_on_submit(required_on_submit)
        self.fields["co_authors"] = CoAuthorField(
            user=user,
            units=units,
            label=_("Đồng tác giả"),
            keep=co_author_initial,
            required=False,
            help_text=_("Cán bộ trong cùng tỉnh, bộ, ngành. Gõ họ tên (có dấu hoặc không dấu) rồi chọn; chọn được nhiều người."),
        )

    def mark_required_on_submit(self, required) -> None:
        """Say in the help text of each field in `required` (but the title and the Art. 5(1) ticks, required anyway)
        that submission asks for it."""
        for name, field in self.fields.items():
            if name != "title" and name not in PlanContent.ART5_FIELDS and name in required:
                field.help_text = f"{field.help_text} {REQUIRED_ON_SUBMIT_HELP}".strip() if field.help_text else REQUIRED_ON_SUBMIT_HELP

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end < start:
            self.add_error("end_date", END_BEFORE_START)
        return cleaned

    def plan_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in PlanContent.CONTENT_FIELDS if name in self.cleaned_data}

    def sections(self):
        """[(anchor, heading, [bound fields])] in the order of the decree, for the template."""
        return [(key, title, [self[name] for name in names]) for key, title, names in PLAN_SECTIONS]

    def error_summary(self):
        """[(field id or "", label, message)] for the list of problems at the top of the page."""
        rows = [("", "", str(message)) for message in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == NON_FIELD_ERRORS or name not in self.fields:
                continue
            for message in errors:
                rows.append((self[name].id_for_label, self.fields[name].label, message))
        return rows


class AttachmentForm(forms.Form):
    ACCEPT = ".pdf,.docx,.xlsx,.odt,.png,.jpg,.jpeg,.webp"

    file = forms.FileField(
        label=_("Tệp đính kèm"),
        max_length=255,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    description = forms.CharField(label=_("Mô tả tệp"), max_length=255, required=False)

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, DOCX, XLSX, ODT hoặc ảnh (PNG, JPEG, WEBP), tối đa %(max)s. Tên tệp tiếng Việt được giữ nguyên khi tải về."
        ) % {"max": filesizeformat(max_bytes)}


class VersionCompareForm(forms.Form):
    old = forms.TypedChoiceField(label=_("So sánh phiên bản"), coerce=int)
    new = forms.TypedChoiceField(label=_("với phiên bản"), coerce=int)

    def __init__(self, *args, numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, _("Phiên bản %(n)s") % {"n": n}) for n in numbers]
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("old") is not None and cleaned.get("old") == cleaned.get("new"):
            self.add_error("new", _("Chọn hai phiên bản khác nhau."))
        return cleaned


def list_filter_units(*, person: User, on_date: datetime.date, held=None) -> "forms.QuerySet[OrgUnit]":
    """The units the proposal list may be filtered by: each at or below a unit where `person` holds any position
    (every unit for a superuser), with their parents for the picker's label. `held`: as in `units_in_scope_of`."""
    units = units_in_scope_of(person=person, on_date=on_date, roles=tuple(Position.Role.values), held=held)
    return units.select_related("parent")


@autocomplete_source("proposal_list", of="units")
def _list_unit_source(request) -> "forms.QuerySet[OrgUnit]":
    return list_filter_units(person=request.user, on_date=timezone.localdate())


class ProposalFilterForm(forms.Form):
    """The GET filter of the proposal list; every field optional, values kept in the page."""

    # With a search, the default order is relevance: the words side by side as typed first (selectors.search_tiers).
    SORTS = {
        "": _("Phù hợp nhất (khi tìm kiếm), mới nhất"),
        "newest": _("Mới nhất"),
        "due": _("Hạn xử lý gần nhất"),
        "title": _("Tên đề xuất (A–Z)"),
    }

    q = forms.CharField(
        label=_("Tìm kiếm"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Tên, mã hồ sơ, nội dung… (gõ có dấu hoặc không dấu)")}),
    )
    # Thousands of units for a ministry or the whole country: found by typing among `list_filter_units`.
    unit = UnitPickerField(
        label=_("Cơ quan, đơn vị (gồm đơn vị trực thuộc)"), queryset=OrgUnit.objects.none(), required=False,
        widget=UnitAutocompleteSelect(purpose="proposal_list"),
    )
    status = forms.ChoiceField(label=_("Trạng thái"), required=False, widget=PlainSelect)
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False, widget=PlainSelect)
    year = forms.TypedChoiceField(label=_("Năm"), required=False, coerce=int, empty_value=None, widget=PlainSelect)
    overdue = forms.BooleanField(label=_("Chỉ đề xuất quá hạn xử lý"), required=False)
    sort = forms.ChoiceField(label=_("Sắp xếp"), required=False, choices=list(SORTS.items()), widget=PlainSelect)

    def __init__(self, *args, units, today: datetime.date, **kwargs):
        """`units`: list_filter_units(); only the chosen one is read, to check and label it."""
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["status"].choices = [("", _("Tất cả")), *Status.choices]
        self.fields["field"].choices = [("", _("Tất cả")), *FieldOfWork.choices]
        # Decree 73 took effect in 2023: no proposal is older.
        self.fields["year"].choices = [("", _("Tất cả"))] + [(y, str(y)) for y in range(today.year, 2022, -1)]
        for field in self.fields.values():  # Bootstrap's classes, which crispy would add (templates: filter_field.html)
            widget = field.widget
            kind = "form-check-input" if widget.input_type == "checkbox" else "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = kind

    def clean_q(self) -> str:
        """A search needs one word of SEARCH_MIN_LENGTH letters: shorter ones alone would read every row."""
        q = self.cleaned_data["q"].strip()
        if q and not any(len(word) >= SEARCH_MIN_LENGTH for word in search_words(q)):
            raise ValidationError(
                _("Nhập ít nhất một từ có từ %(n)d chữ cái trở lên để tìm kiếm."), params={"n": SEARCH_MIN_LENGTH},
                code="too_short",
            )
        return q
