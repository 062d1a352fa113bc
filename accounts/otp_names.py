"""Vietnamese names for django-otp's models in the admin (issue 12 §7).

django-otp names its models, fields, help texts and fieldsets in plain English, outside gettext, so no catalog can
translate them. Verbose names are set here at start-up: migrations read the names the models were declared with
(`Meta.original_attrs`, `Field._verbose_name`), so nothing changes in django-otp's migrations. Help texts are part
of a field's migration state and are therefore given in the admin's forms instead (accounts/admin_two_factor.py).
"""

from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

MODEL_NAMES = {
    TOTPDevice: (_("ứng dụng xác thực"), _("ứng dụng xác thực")),
    StaticDevice: (_("bộ mã khôi phục"), _("bộ mã khôi phục")),
    StaticToken: (_("mã khôi phục"), _("mã khôi phục")),
}
FIELD_NAMES = {
    "user": _("người dùng"),
    "name": _("tên thiết bị"),
    "confirmed": _("đã xác nhận"),
    "created_at": _("tạo lúc"),
    "last_used_at": _("dùng lần cuối lúc"),
    "throttling_failure_timestamp": _("lần nhập sai gần nhất"),
    "throttling_failure_count": _("số lần nhập sai liên tiếp"),
    "key": _("khóa bí mật"),
    "step": _("bước thời gian (giây)"),
    "t0": _("mốc bắt đầu đếm (t0)"),
    "digits": _("số chữ số của mã"),
    "tolerance": _("số bước sai lệch cho phép"),
    "drift": _("độ lệch đồng hồ"),
    "last_t": _("bước của mã hợp lệ gần nhất"),
    "token": _("mã"),
    "device": _("bộ mã khôi phục"),
}
HELP_TEXTS = {
    "user": _("Người dùng sở hữu thiết bị này."),
    "name": _("Tên dễ nhận biết của thiết bị."),
    "confirmed": _("Thiết bị đã sẵn sàng để dùng."),
    "created_at": _("Thời điểm thiết bị được tạo trong hệ thống."),
    "last_used_at": _("Thời điểm thiết bị được dùng gần nhất."),
    "throttling_failure_timestamp": _("Thời điểm xác minh sai gần nhất; để trống nếu lần gần nhất đúng."),
    "throttling_failure_count": _("Số lần xác minh sai liên tiếp."),
    "key": _("Khóa bí mật dạng hex, tối đa 40 byte."),
    "step": _("Độ dài một bước thời gian, tính bằng giây."),
    "t0": _("Thời điểm Unix bắt đầu đếm bước."),
    "digits": _("Số chữ số của mỗi mã."),
    "tolerance": _("Số bước thời gian trước hoặc sau được chấp nhận."),
    "drift": _("Số bước thời gian mà đồng hồ của thiết bị lệch so với máy chủ."),
}
FIELDSET_NAMES = {
    "Identity": _("Thiết bị"),
    "Timestamps": _("Thời điểm"),
    "Configuration": _("Cấu hình"),
    "State": _("Trạng thái"),
    "Throttling": _("Chống dò mã"),
}


def name_otp_models() -> None:
    """Give django-otp's models and fields their Vietnamese verbose names (called once, from AppConfig.ready)."""
    for model, (singular, plural) in MODEL_NAMES.items():
        model._meta.verbose_name, model._meta.verbose_name_plural = singular, plural
        for field in model._meta.get_fields():
            if field.name in FIELD_NAMES and hasattr(field, "verbose_name"):
                field.verbose_name = FIELD_NAMES[field.name]
