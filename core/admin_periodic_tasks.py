"""django-celery-beat's admin pages where its English escapes gettext (issue 12 §7): a column and read-only fields
declared without a description, a field named in plain English, and the crontab's description, which
cron-descriptor writes in the server locale's language unless asked for the page's one. The rest of its English
is translated in locale/vi."""

from cron_descriptor import (
    DescriptionTypeEnum,
    ExpressionDescriptor,
    FormatException,
    MissingFieldException,
    Options,
    WrongArgumentException,
)
from django.contrib import admin
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import CrontabScheduleAdmin, PeriodicTaskAdmin
from django_celery_beat.models import CrontabSchedule, PeriodicTask

# Declared as verbose_name='Task Name', outside gettext; migrations read the declared name (Field._verbose_name).
PeriodicTask._meta.get_field("task").verbose_name = _("Tên tác vụ")


def crontab_description(crontab: CrontabSchedule) -> str:
    """The schedule in words in the page's language ("Tại 07:00"), then its time zone; the cron fields when
    cron-descriptor cannot read them, as django-celery-beat's own `human_readable` does."""
    expression = " ".join(str(crontab).split()[:5])  # str(): the five cron fields, "(m/h/dM/MY/d)", the zone
    options = Options()
    options.locale_code = "vi_VN" if get_language() == "vi" else "en_US"
    options.use_24hour_time_format = True
    try:
        words = ExpressionDescriptor(expression, options).get_description(DescriptionTypeEnum.FULL)
    except (FormatException, MissingFieldException, WrongArgumentException):
        words = expression
    return f"{words} {crontab.timezone}"


class VietnamesePeriodicTaskAdmin(PeriodicTaskAdmin):
    list_display = ("name", "enabled", "schedule_shown", "interval", "start_time", "last_run_at", "one_off")

    @admin.display(description=_("Lịch chạy"))
    def schedule_shown(self, task):
        return task.scheduler

    @admin.display(description=_("Diễn giải lịch cron"))
    def crontab_translation(self, task):
        return crontab_description(task.crontab) if task and task.crontab else ""


class VietnameseCrontabScheduleAdmin(CrontabScheduleAdmin):
    list_display = ("__str__", "description")
    fields = ("description", "minute", "hour", "day_of_month", "month_of_year", "day_of_week", "timezone")
    readonly_fields = ("description",)

    @admin.display(description=_("Diễn giải"))
    def description(self, crontab):
        return crontab_description(crontab)


for model, model_admin in [(PeriodicTask, VietnamesePeriodicTaskAdmin),
                           (CrontabSchedule, VietnameseCrontabScheduleAdmin)]:
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
