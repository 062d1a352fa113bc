"""What every admin page of the project inherits so that malformed input is a form error, not a 500 (issue 11 §6).

Django's autocomplete widgets render the submitted value of a refused form by filtering the related model with
it: "abc" or "²" in a foreign-key field raised ValueError while the error page was being drawn (88 of the 500s an
attacker's run found). Here they keep only the values the related key can hold. Inline formsets get a hard cap on
their forms: Django builds up to 1,000 forms beyond `max_num` whatever TOTAL_FORMS claims.
tests/test_hostile_input.py checks that every admin of the project's apps uses these classes.
"""

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


class ValidKeysOnlyMixin:
    def _holdable(self, value) -> bool:
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        try:
            # The validators hold the key's range: past bigint, SQLite raises OverflowError instead of a refusal.
            target.run_validators(target.to_python(value))
        except ValidationError:
            return False
        return True

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if self._holdable(v)], attr)


class SafeAutocompleteSelect(ValidKeysOnlyMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(ValidKeysOnlyMixin, AutocompleteSelectMultiple):
    pass


class SafeRelatedFieldsMixin:
    """For a ModelAdmin or an inline: the autocomplete fields use the widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ModelAdmin(SafeRelatedFieldsMixin, admin.ModelAdmin):
    """The project's base ModelAdmin."""


class ReadOnlyMixin:
    """For a ModelAdmin or an inline: adding, changing and deleting are refused whatever the user's permissions."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, ModelAdmin):
    """Shows records, without the bulk actions."""

    actions = None


class TabularInline(SafeRelatedFieldsMixin, admin.TabularInline):
    """The project's base inline: at most `max_num` rows, and a forged TOTAL_FORMS builds no more than that."""

    max_num = 100

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("absolute_max", self.get_max_num(request, obj, **kwargs) or self.max_num)
        return super().get_formset(request, obj, **kwargs)
