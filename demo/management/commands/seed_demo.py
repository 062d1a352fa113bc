"""`manage.py seed_demo`: the demo province (accounts.demo) and its proposals in every status of the lifecycle
(demo.lifecycle), for `make run`, trainings and load tests."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.demo import DEMO_PASSWORD, SYNTHETIC_STAFF_PER_UNIT, demo_logins, seed_demo
from accounts.selectors import today
from core.notifications import in_app_only
from demo.lifecycle import seed_lifecycle

HELP = gettext_lazy(
    "Nạp dữ liệu mẫu: một tỉnh theo mô hình Quảng Ninh (sau 01/7/2025) với người được hư cấu, dùng chung "
    "một mật khẩu. Chạy lại nhiều lần không tạo bản trùng. Chỉ chạy khi DEBUG bật, trừ khi có --force."
)


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # argparse wants a str: a lazy translation made `manage.py help seed_demo` fail (TypeError).
        return str(HELP)

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=0, metavar="N",
            help=gettext_lazy("Thêm N đơn vị thử nghiệm (xã, sở), mỗi đơn vị khoảng 24 người, để thử tải."),
        )
        parser.add_argument(
            "--force", action="store_true",
            help=gettext_lazy("Cho phép chạy khi DEBUG tắt (chỉ dùng cho máy thử nghiệm, không bao giờ cho dữ liệu thật)."),
        )
        parser.add_argument(
            "--logins-only", action="store_true",
            help=gettext_lazy("Chỉ in bảng tài khoản mẫu, không nạp dữ liệu."),
        )

    def handle(self, *args, scale: int, force: bool, logins_only: bool, **options):
        if logins_only:
            self._print_logins()
            return
        # The demo accounts share a published password: on a real deployment they would be open doors.
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "Từ chối nạp dữ liệu mẫu vì DEBUG đang tắt (có thể đây là hệ thống thật): các tài khoản mẫu "
                    "dùng chung một mật khẩu công khai. Nếu đây là máy thử nghiệm, chạy lại với --force."
                )
            )
        if scale < 0:
            raise CommandError(_("--scale phải là số không âm."))

        started = time.perf_counter()
        result = seed_demo(scale=scale)
        with in_app_only():  # the demo's people are invented: their notifications are never e-mailed
            lifecycle = seed_lifecycle()
        elapsed = time.perf_counter() - started

        if options["verbosity"] < 1:
            return
        if result.named_changed or lifecycle.changed:
            self.stdout.write(self.style.SUCCESS(
                _("Đã tạo %(units)d đơn vị, %(users)d người dùng, %(positions)d chức vụ.")
                % {"units": result.units, "users": result.users, "positions": result.positions}
            ))
            self.stdout.write(self.style.SUCCESS(
                _("Đã tạo %(proposals)d đề xuất mẫu (mỗi trạng thái một đề xuất), %(incidents)d phản ánh, "
                  "%(publications)d đề xuất công khai.")
                % {"proposals": lifecycle.proposals, "incidents": lifecycle.incidents,
                   "publications": lifecycle.publications}
            ))
        else:
            self.stdout.write(_("Dữ liệu mẫu đã có đủ, không thay đổi gì."))
        if scale:
            self.stdout.write(
                _("Đơn vị thử nghiệm: thêm %(units)d đơn vị và %(users)d người (yêu cầu %(scale)d; đơn vị đã có được giữ nguyên).")
                % {"units": result.synthetic_units, "users": result.synthetic_users, "scale": scale}
            )
        self._print_logins()
        if scale:
            self.stdout.write(
                _("Tài khoản đơn vị thử nghiệm: tn0001.ct, tn0001.pct1, tn0001.tccb, tn0001.cb01 … tn0001.cb%(n)02d "
                  "(xã), tn0004.gd (sở); cùng mật khẩu.") % {"n": SYNTHETIC_STAFF_PER_UNIT}
            )
        self.stdout.write(_("Thời gian: %(seconds)s giây.") % {"seconds": formats.number_format(elapsed, 2)})

    def _print_logins(self):
        logins = demo_logins(on_date=today())
        if not logins:
            self.stdout.write(_("Chưa có tài khoản mẫu. Chạy: manage.py seed_demo"))
            return
        header = (_("Tên đăng nhập"), _("Họ và tên"), _("Vai trò"), _("Đơn vị"))
        rows = [header] + [(x.username, x.full_name, x.role, x.unit) for x in logins]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]

        def line(row):
            return "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[3]

        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(_("Tài khoản mẫu — mật khẩu chung: %(password)s") % {"password": DEMO_PASSWORD}))
        self.stdout.write(self.style.MIGRATE_LABEL(line(header)))
        self.stdout.write("  ".join("-" * width for width in widths) + "  " + "-" * max(len(row[3]) for row in rows))
        for row in rows[1:]:
            self.stdout.write(line(row))
        self.stdout.write("")
