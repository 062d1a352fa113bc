"""People: rows by username, created (without a usable password) or updated."""

from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from ..models import User
from .columns import KINDS
from .planning import BATCH_SIZE, UPDATE_BATCH_SIZE, Item, Planner, Row, chunks


class PersonPlanner(Planner):
    kind = KINDS["people"]
    field_columns = {"username": "ten_dang_nhap", "full_name": "ho_ten", "email": "email", "employee_code": "ma_can_bo"}
    exclude = ["password"]

    def plan(self, rows: list[Row]) -> None:
        for row in rows:
            row.values["ten_dang_nhap"] = User.normalize_username(row.text("ten_dang_nhap"))
        usernames = {row.text("ten_dang_nhap") for row in rows} - {""}
        codes = {row.text("ma_can_bo") for row in rows} - {""}
        existing, taken_lower, code_owner = {}, {}, {}
        for chunk in chunks(usernames):
            existing.update((user.username, user) for user in User.objects.filter(username__in=chunk))
        for chunk in chunks({name.lower() for name in usernames}):
            taken = (
                User.objects.annotate(lower=Lower("username")).filter(lower__in=chunk).values_list("lower", "username")
            )
            taken_lower.update(taken)
        for chunk in chunks(codes):
            code_owner.update(User.objects.filter(employee_code__in=chunk).values_list("employee_code", "username"))

        first_row: dict[str, int] = {}
        first_code_row: dict[str, int] = {}
        for row in rows:
            username = row.text("ten_dang_nhap")
            if username and username.lower() in first_row:
                self.error(
                    row.number,
                    _("Tên đăng nhập «%(name)s» trùng với dòng %(row)d.")
                    % {"name": username, "row": first_row[username.lower()]},
                    "ten_dang_nhap",
                )
                continue
            if username:
                first_row[username.lower()] = row.number
            user = existing.get(username)
            item = Item(row=row, obj=user or User(username=username), is_new=user is None, before={})
            self.require(item)
            if user is None:
                # No password until an administrator sends a reset: an import must not invent credentials.
                item.obj.set_unusable_password()
                clash = taken_lower.get(username.lower())
                if clash:
                    self.fail(
                        item,
                        _("Đã có tài khoản «%(name)s» (chỉ khác chữ hoa, chữ thường).") % {"name": clash},
                        "ten_dang_nhap",
                    )
            else:
                item.before = self.snapshot(item)
            if name := row.text("ho_ten"):
                item.obj.full_name = name
            if email := row.text("email"):
                item.obj.email = email
            if code := row.text("ma_can_bo"):
                if code in first_code_row:
                    self.fail(
                        item,
                        _("Mã cán bộ «%(code)s» trùng với dòng %(row)d.") % {"code": code, "row": first_code_row[code]},
                        "ma_can_bo",
                    )
                else:
                    first_code_row[code] = row.number
                    if code_owner.get(code, username) != username:
                        self.fail(
                            item,
                            _("Mã cán bộ «%(code)s» đã thuộc về tài khoản «%(name)s».")
                            % {"code": code, "name": code_owner[code]},
                            "ma_can_bo",
                        )
                item.obj.employee_code = code
            self.items.append(item)
        for item in self.changed_items():
            self.validate(item, self.exclude)
        self.finish()

    def snapshot(self, item: Item) -> dict[str, str]:
        user = item.obj
        return {
            "ten_dang_nhap": user.username,
            "ho_ten": user.full_name,
            "email": user.email,
            "ma_can_bo": user.employee_code or "",
        }

    def write(self) -> None:
        User.objects.bulk_create([planned.obj for planned in self.result.to_create], batch_size=BATCH_SIZE)
        User.objects.bulk_update(
            [planned.obj for planned in self.result.to_update],
            ["full_name", "email", "employee_code"],
            batch_size=UPDATE_BATCH_SIZE,
        )
