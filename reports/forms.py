import datetime

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from core.forms import TEXT_MAX_LENGTH
from proposals.models import LegalProfile

from .models import NARRATIVE_FIELDS, OUTLINE, AnnualReport
from .services import FIRST_YEAR


class OrderForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Cơ quan, đơn vị báo cáo (gồm đơn vị trực thuộc)"), queryset=OrgUnit.objects.none())
    year = forms.TypedChoiceField(label=_("Năm"), coerce=int)
    period_kind = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=LegalProfile.ReportPeriod.choices)

    def __init__(self, *args, units, today: datetime.date, default_kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("path")
        self.fields["year"].choices = [(year, str(year)) for year in range(today.year, FIRST_YEAR - 1, -1)]
        self.fields["period_kind"].initial = default_kind


class NarrativeForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = [*NARRATIVE_FIELDS, "recipients"]
        widgets = {field: forms.Textarea(attrs={"rows": 5}) for field in NARRATIVE_FIELDS} | {
            "recipients": forms.Textarea(attrs={"rows": 3, "placeholder": _("Ủy ban nhân dân tỉnh;\nSở Nội vụ;")}),
        }
        labels = {field: format_lazy("{}. {}", section, heading) for section, field, heading in OUTLINE}
        help_texts = {"results": _("Phần mở đầu của mục II; số liệu của biểu được tính tự động.")}
        # Issue 11 §6: the model's text fields have no length of their own.
        formfield_callback = staticmethod(lambda db_field, **kwargs: db_field.formfield(max_length=TEXT_MAX_LENGTH, **kwargs))
