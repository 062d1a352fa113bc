from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from .models import NotificationPreference


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
