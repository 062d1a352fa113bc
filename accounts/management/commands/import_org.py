from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.importing import KINDS, org_import_commit, org_import_preview
from accounts.models import User


class Command(BaseCommand):
    # gettext, not gettext_lazy: argparse needs a str; commands are loaded after translations are ready.
    help = _(
        "Nhập đơn vị (units), cán bộ (people) hoặc chức vụ (positions) từ tệp CSV UTF-8 hoặc XLSX. Mặc định chỉ "
        "chạy thử; --commit ghi (tất cả hoặc không dòng nào) và cần --actor để ghi nhật ký. Có lỗi thì thoát mã khác 0."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("file")
        parser.add_argument("--commit", action="store_true", help=_("Ghi dữ liệu; không có thì chỉ chạy thử."))
        parser.add_argument("--actor", help=_("Tên đăng nhập của người chịu trách nhiệm, ghi vào nhật ký."))

    def handle(self, kind, file, commit=False, actor=None, **options):
        path = Path(file)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise CommandError(_("Không mở được tệp %(file)s: %(error)s") % {"file": file, "error": exc}) from exc
        if size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise CommandError(
                _("Tệp quá lớn: %(size)d byte, tối đa %(max)d (IMPORT_MAX_UPLOAD_BYTES).")
                % {"size": size, "max": settings.IMPORT_MAX_UPLOAD_BYTES}
            )
        content = path.read_bytes()
        if commit:
            # Every write to the organisation is attributed to a person in the audit log.
            if not actor:
                raise CommandError(_("--commit cần --actor TÊN_ĐĂNG_NHẬP của người chịu trách nhiệm."))
            user = User.objects.filter(username=actor).first()
            if user is None:
                raise CommandError(_("Không có tài khoản «%(name)s».") % {"name": actor})
            try:
                result = org_import_commit(kind=kind, content=content, actor=user, file_name=path.name)
            except PermissionDenied as exc:
                raise CommandError(str(exc)) from None
        else:
            result = org_import_preview(kind=kind, content=content)

        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        for error in result.errors:
            where = _("Dòng %(row)s") % {"row": error.row} if error.row else _("Tệp")
            column = f" [{error.column}]" if error.column else ""
            self.stderr.write(f"{where}{column}: {error.message}")
        if result.errors:
            raise CommandError(_("%(count)d lỗi: không có gì được ghi.") % {"count": len(result.errors)})

        counts = {
            "created": len(result.to_create),
            "updated": len(result.to_update),
            "unchanged": result.unchanged,
            "seconds": result.seconds,
        }
        if result.committed:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Đã ghi: tạo mới %(created)d, cập nhật %(updated)d, không đổi %(unchanged)d (%(seconds).1f giây)."
                    )
                    % counts
                )
            )
        else:
            self.stdout.write(
                _(
                    "Chạy thử, chưa ghi gì: sẽ tạo mới %(created)d, cập nhật %(updated)d, không đổi %(unchanged)d. "
                    "Thêm --commit để ghi."
                )
                % counts
            )
