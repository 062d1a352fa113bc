"""Pickers over sets too large for a <select>: only the chosen options are rendered, the rest are fetched as the
user types (at most 20 at a time, static/js/autocomplete.js on the vendored Tom Select).

The field keeps its full queryset and still validates every submitted id against it; the widget only changes what
is sent to the browser. What the endpoints may offer for each picker is registered here by the app that owns the
form (`autocomplete_source`), so the endpoints (accounts.views.people_autocomplete, units_autocomplete) import no
upper layer. A unit picker without a purpose offers every active unit, public information.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import BadRequest
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .forms import parsed_id

MIN_QUERY_LENGTH = 2

# For the fields behind these pickers: Django's Vietnamese catalogue leaves both untranslated, and a forged or
# outdated id must be refused next to the field in Vietnamese.
PICKER_ERRORS = {
    "invalid_choice": _("Người được chọn (mã %(value)s) không thuộc danh sách được phép chọn."),
    "invalid_pk_value": _("“%(pk)s” không phải là mã người hợp lệ."),
}

UNIT_PICKER_ERRORS = {
    "invalid_choice": _("Cơ quan, đơn vị được chọn không có hoặc không còn hoạt động."),
}

# endpoint ("people", "units") → purpose (`?for=`) → what the form accepts for the request's user: the field's own
# queryset. One table per endpoint: a purpose of one is unknown to the other (a 400, never the wrong rows).
AUTOCOMPLETE_SOURCES: dict[str, dict[str, Callable[[HttpRequest], QuerySet]]] = {"people": {}, "units": {}}


def autocomplete_source(purpose: str, *, of: str = "people"):
    """Register the candidates of a picker: `@autocomplete_source("co_authors") def ...(request) -> QuerySet`
    (people), `@autocomplete_source("proposal_list", of="units")` (units)."""

    def register(candidates: Callable[[HttpRequest], QuerySet]):
        if AUTOCOMPLETE_SOURCES[of].setdefault(purpose, candidates) is not candidates:
            raise ValueError(f"Autocomplete purpose {purpose!r} is already registered.")
        return candidates

    return register


def context_id(request: HttpRequest, name: str) -> int | None:
    """An id the picker's URL carries (`?proposal=12`); absent is None, anything but a positive integer is a 400."""
    value = request.GET.get(name, "")
    if not value:
        return None
    if (parsed := parsed_id(value)) is None:
        raise BadRequest(f"Malformed {name}.")
    return parsed


class AutocompleteMixin:
    """For a ModelChoiceField / ModelMultipleChoiceField: `url_name` is the endpoint, `purpose` names its source
    (`?for=`, none for an endpoint with a single one), `params` its context."""

    template_name = "core/widgets/autocomplete_select.html"
    url_name = "accounts:people-autocomplete"
    placeholder = _("Gõ họ tên hoặc tên đăng nhập để tìm")

    def __init__(self, *, purpose: str | None = None, params: dict | None = None, attrs=None):
        super().__init__(attrs)
        self.purpose = purpose
        self.params = params or {}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        params = {"for": self.purpose, **self.params}
        query = urlencode({k: v for k, v in params.items() if v is not None})
        context["widget"]["attrs"].update({
            "data-autocomplete-url": f"{reverse(self.url_name)}?{query}" if query else reverse(self.url_name),
            "data-autocomplete-min": MIN_QUERY_LENGTH,
            "data-text-min": _("Gõ ít nhất %(n)s ký tự") % {"n": MIN_QUERY_LENGTH},
            "data-text-empty": _("Không tìm thấy"),
            "data-text-loading": _("Đang tìm…"),
            "data-text-error": _("Không tải được danh sách, hãy thử lại."),
            "placeholder": self.placeholder,
        })
        return context

    def optgroups(self, name, value, attrs=None):
        """The selected options only, labelled by the field; an id that is not a number is simply not shown."""
        field = self.choices.field
        chosen = [v for v in map(parsed_id, value) if v is not None]
        options = [] if self.allow_multiple_selected else [self.create_option(name, "", "", not chosen, 0)]
        for obj in self.choices.queryset.filter(pk__in=chosen) if chosen else ():
            options.append(self.create_option(name, str(obj.pk), field.label_from_instance(obj), True, len(options)))
        return [(None, options, 0)]


class AutocompleteSelect(AutocompleteMixin, forms.Select):
    pass


class AutocompleteSelectMultiple(AutocompleteMixin, forms.SelectMultiple):
    pass


class UnitAutocompleteSelect(AutocompleteMixin, forms.Select):
    """One unit: every active unit of the country (some 15,000) without a purpose, else the purpose's units. The
    field's label should be `OrgUnit.name_with_parent`, the text the endpoint offers (UnitPickerField)."""

    url_name = "accounts:units-autocomplete"
    placeholder = _("Gõ tên cơ quan, đơn vị để tìm")


class UnitPickerField(forms.ModelChoiceField):
    """A unit found by typing, the chosen one labelled as the endpoint labels its matches; give its queryset
    `select_related("parent")` so that the label costs no query of its own."""

    widget = UnitAutocompleteSelect

    def label_from_instance(self, obj):
        return obj.name_with_parent


class PlainSelect(forms.Select):
    """A <select> whose options are written in Python rather than each through a template: Django's way costs
    about 0.15 ms an option, 40 ms a page for the few hundred units of a province (issue 10)."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "", "<option value=\"{}\"{}>{}</option>",
            ((option["value"], mark_safe(" selected") if option["selected"] else "", option["label"])  # noqa: S308
             for _group, group_options, _index in context["optgroups"] for option in group_options),
        )
        return format_html('<select name="{}"{}>{}</select>', context["name"], flatatt(context["attrs"]), options)
