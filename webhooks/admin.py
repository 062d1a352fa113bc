"""Administrators manage subscriptions (through webhooks.services) and read the outbox and its delivery log."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_base import ModelAdmin, ReadOnlyAdmin, ReadOnlyMixin, TabularInline

from .models import Delivery, DeliveryAttempt, EventType, Subscription
from .services import deliveries_requeue, subscription_rotate_secret, subscription_save

SHOWN_ONCE_TEMPLATE = "admin/webhooks/subscription/secret.html"


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("Địa chỉ nhận"), max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        label=_("Loại sự kiện"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Subscription
        fields = ["name", "url", "event_types", "unit", "active"]


def _show_secrets(request, model_admin, rows: list[tuple[Subscription, str]]):
    """The secrets, on this page only: they are never shown again (rotate to get a new one)."""
    context = {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta, "rows": rows,
               "title": _("Khóa ký webhook")}
    return TemplateResponse(request, SHOWN_ONCE_TEMPLATE, context)


@admin.register(Subscription)
class SubscriptionAdmin(ModelAdmin):
    form = SubscriptionForm
    list_display = ["name", "url", "unit", "active", "updated_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    autocomplete_fields = ["unit"]
    actions = ["rotate_secret"]

    def has_delete_permission(self, request, obj=None):
        # Deliveries refer to it: switch it off instead.
        return False

    def save_model(self, request, obj, form, change):
        subscription_save(subscription=obj, by=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        return _show_secrets(request, self, [(obj, obj.secret)])

    @admin.action(description=_("Tạo khóa ký mới (khóa cũ hết hiệu lực)"), permissions=["change"])
    def rotate_secret(self, request, queryset):
        rows = [(subscription, subscription_rotate_secret(subscription=subscription, by=request.user))
                for subscription in queryset]
        return _show_secrets(request, self, rows)


class DeliveryAttemptInline(ReadOnlyMixin, TabularInline):
    model = DeliveryAttempt
    fields = readonly_fields = ["attempted_at", "status_code", "duration_ms", "error"]
    extra = 0


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """The outbox, read only, with each attempt; failed deliveries can be re-queued."""

    list_display = ["created_at", "event_type", "subscription", "status", "attempts", "next_attempt_at", "delivered_at"]
    list_filter = ["status", "event_type", "subscription"]
    search_fields = ["key"]
    list_select_related = ["subscription"]
    readonly_fields = ["key", "subscription", "event", "event_type", "payload", "status", "attempts",
                       "next_attempt_at", "delivered_at", "created_at"]
    inlines = [DeliveryAttemptInline]
    actions = ["requeue"]
    date_hierarchy = "created_at"

    def has_requeue_permission(self, request):
        return request.user.has_perm("webhooks.change_delivery")

    @admin.action(description=_("Gửi lại các sự kiện gửi không thành công"), permissions=["requeue"])
    def requeue(self, request, queryset):
        count = deliveries_requeue(deliveries=queryset, by=request.user)
        self.message_user(request, ngettext("Đã xếp lại %(count)d sự kiện để gửi.", "Đã xếp lại %(count)d sự kiện để gửi.",
                                            count) % {"count": count}, messages.SUCCESS)


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnlyAdmin):
    """The delivery log: every attempt, read only."""

    list_display = ["attempted_at", "delivery", "status_code", "duration_ms", "error"]
    list_filter = ["status_code"]
    list_select_related = ["delivery"]
    date_hierarchy = "attempted_at"
