from django import forms
from django.conf import settings
from django.contrib.auth.forms import AdminPasswordChangeForm, AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .importing import KIND_CHOICES, ImportFileError, check_file, max_upload_mb
from .services import user_save


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý chữ hoa, chữ thường."),
        "inactive": _("Tài khoản này đã bị khóa."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        self.fields["password"].label = _("Mật khẩu")


class AuditedAdminPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's "set password" form, saved through `user_save` as `by`: an audited change like any other."""

    def __init__(self, user, *args, by, **kwargs):
        self.by = by
        super().__init__(user, *args, **kwargs)

    def save(self, commit=True):
        user = self.set_password_and_save(self.user, commit=False)
        return user_save(user=user, by=self.by) if commit else user


class ImportUploadForm(forms.Form):
    """Step 1 of the import: the kind of data and the file, checked by content before anything else."""

    kind = forms.ChoiceField(label=_("Loại dữ liệu"), choices=KIND_CHOICES, widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("Tệp dữ liệu"),
        help_text=_("Excel (.xlsx) hoặc CSV mã hóa UTF-8; dòng 1 là tiêu đề các cột."),
        error_messages={"empty": _("Tệp rỗng: không có dữ liệu nào.")},
        # A hint for the file picker only: the type is judged by content in clean_file().
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            # Refused before reading it into memory.
            raise ValidationError(
                _("Tệp quá lớn: tối đa %(size)s MB."),
                params={"size": max_upload_mb()},
                code="too_big",
            )
        self.content = upload.read()
        try:
            check_file(self.content)
        except ImportFileError as exc:
            raise ValidationError(str(exc), code="bad_file") from exc
        return upload
