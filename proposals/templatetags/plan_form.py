"""The plan form's fields in crispy-forms' Bootstrap 5 markup, built in Python (issue 10).

`as_crispy_field` renders three to five templates per field; over the plan form's 25 fields that was about a quarter
of the form page's and the draft page's CPU. `plan_field` writes the same HTML for the widgets whose markup is one
block (text, text area, date, select, checkbox) and hands any other (radio buttons, check-box lists, files, hidden
fields) to crispy. tests/proposals/test_plan_form_markup.py holds it to crispy's output for every field of the plan
form, blank and with errors.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ASTERISK = SafeString('<span class="asteriskField">*</span>')
EMPTY = SafeString("")


def _uses_crispy(field) -> bool:
    widget = field.field.widget
    return (field.is_hidden or field.use_fieldset or isinstance(widget, (forms.RadioSelect, forms.FileInput))
            or hasattr(widget, "widgets") or hasattr(widget, "widget"))


def _widget(field, kind: str) -> str:
    """The widget with crispy's classes (its `crispy_field` tag): the widget's own class name, then `kind`."""
    widget = field.field.widget
    name = type(widget).__name__.lower()
    css = widget.attrs.get("class", "")
    css = (css if name in css else f"{css} {name}") if css else name
    for extra in (kind, "is-invalid") if field.errors else (kind,):
        if extra not in css.split():
            css = f"{css} {extra}"
    widget.attrs["class"] = css
    return field.as_widget()


def _errors_and_help(field) -> str:
    errors = format_html(
        '<div id="{}_error" class="invalid-feedback">{}</div>', getattr(field.errors, "field_id", ""),
        format_html_join("", '<p id="error_{}_{}"><strong>{}</strong></p>',
                         ((n, field.auto_id, error) for n, error in enumerate(field.errors, start=1))),
    ) if field.errors else EMPTY
    help_text = format_html(
        '<div {}class="form-text">{}</div>', format_html('id="{}_helptext" ', field.auto_id) if field.auto_id else "",
        mark_safe(field.help_text),  # noqa: S308 - crispy prints help texts unescaped (|safe); they are the code's own
    ) if field.help_text else EMPTY
    return errors + help_text


@register.filter
def plan_field(field) -> str:
    """`{{ field|plan_field }}`: what `{{ field|as_crispy_field }}` prints, faster."""
    if _uses_crispy(field):
        return as_crispy_field(field)
    required = field.field.required
    css_classes = field.css_classes()
    if isinstance(field.field.widget, forms.CheckboxInput):
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check{}">{}<label for="{}" class="form-check-label{}">{}{}'
            "</label>{}</div></div>",
            field.auto_id, f" {css_classes}" if css_classes else "", _widget(field, "form-check-input"),
            field.id_for_label, " requiredField" if required else "", field.label, ASTERISK if required else "",
            _errors_and_help(field),
        )
    label = format_html(
        '<label {}class="form-label{}">{}{}</label>',
        format_html('for="{}" ', field.id_for_label) if field.id_for_label else "", " requiredField" if required else "",
        field.label, ASTERISK if required else "",
    ) if field.label else ""
    kind = "form-select" if isinstance(field.field.widget, forms.Select) else "form-control"
    return format_html(
        '<div id="div_{}" class="mb-3{}">{}{}{}</div>', field.auto_id, f" {css_classes}" if css_classes else "", label,
        _widget(field, kind), _errors_and_help(field),
    )
