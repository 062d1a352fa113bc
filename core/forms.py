from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from .models import NotificationPreference

# Issue 11 §6: the longest free text (a reason, an opinion, a note) a form accepts; the plan's own fields have theirs.
TEXT_MAX_LENGTH = 20_000


class _LoadedChoices(ModelChoiceIterator):
    def __init__(self, field, rows: list):
        super().__init__(field)
        self.rows = rows

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.rows:
            yield self.choice(obj)

    def __len__(self):
        return len(self.rows) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.rows)


def offer_loaded(field: forms.ModelChoiceField, rows) -> None:
    """Render `field`'s choices from `rows`, the rows of its queryset the page has read already, instead of a query
    of their own (the proposal page, issue 10 §5). What is posted is still checked against the queryset."""
    rows = list(rows)
    field.iterator = lambda field: _LoadedChoices(field, rows)
    field.widget.choices = field.choices


class NotificationPreferenceForm(forms.Form):
    """Immediate e-mails or one daily digest (spec README §5)."""

    delivery = forms.ChoiceField(
        label=_("Cách nhận thư thông báo"), choices=NotificationPreference.Delivery.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Chọn một cách nhận thư thông báo."),
                        "invalid_choice": _("Chọn một cách nhận thư thông báo.")},
        help_text=_("Thông báo trong ứng dụng không thay đổi; lựa chọn này chỉ áp dụng cho thư điện tử."),
    )


BIGINT_MAX = 2**63 - 1


class IdField(forms.IntegerField):
    """A database id: ASCII digits only, 1 to the largest bigint (issue 11 §6).

    `int()` takes "١" (Arabic-Indic one) and " 12 ", `str.isdigit()` says yes to "²" which `int()` then refuses,
    and a number past the bigint range is refused by PostgreSQL: each was a way to a 500.
    """

    default_error_messages = {"invalid": _("Mã không hợp lệ: cần một số nguyên dương.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, int):
            if not (isinstance(value, str) and value.isascii() and value.isdigit()):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def parsed_id(value) -> int | None:
    """The id `value` holds (IdField's rules), or None when it is empty or malformed."""
    try:
        return IdField(required=False).clean(value)
    except ValidationError:
        return None
