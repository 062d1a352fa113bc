"""Permission names in the page's language (issue 12 §7): Django stores "Can add user" in the database when it
creates a model's permissions, outside gettext, and the group page lists them by that name. The admin shows the
four built-in ones as an action and the model's Vietnamese verbose name ("Được thêm Người dùng"); a permission a
model declares itself keeps its own (translatable) name."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTIONS = {"add": _("Được thêm"), "change": _("Được sửa"), "delete": _("Được xóa"), "view": _("Được xem")}


def permission_label(permission: Permission) -> str:
    """'<app> | <model> | <what it allows>', each part in the page's language."""
    model = permission.content_type.model_class()
    action, _separator, model_name = permission.codename.partition("_")
    if model is not None and action in ACTIONS and model_name == model._meta.model_name:
        allows = f"{ACTIONS[action]} {model._meta.verbose_name}"
        where = f"{model._meta.app_config.verbose_name} | {model._meta.verbose_name}"
    else:
        allows = gettext(permission.name)
        where = str(permission.content_type)
    return f"{where} | {allows}"


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Permission) -> str:
        return permission_label(obj)


class VietnameseGroupAdmin(GroupAdmin):
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "permissions":
            kwargs["form_class"] = PermissionsField
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)


admin.site.unregister(Group)
admin.site.register(Group, VietnameseGroupAdmin)
