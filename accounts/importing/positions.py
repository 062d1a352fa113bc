"""Positions: rows by person + unit + role + start date; one head at a time by Position's own rule."""

from django.utils.translation import gettext as _

from ..models import OrgUnit, Position, User
from .cells import format_date, parse_choice, parse_date
from .columns import KINDS
from .planning import BATCH_SIZE, UPDATE_BATCH_SIZE, Item, Planner, Row, chunks


class PositionPlanner(Planner):
    kind = KINDS["positions"]
    field_columns = {
        "person": "ten_dang_nhap",
        "unit": "ma_don_vi",
        "role": "vai_tro",
        "title": "chuc_danh",
        "category": "doi_tuong",
        "start_date": "tu_ngay",
        "end_date": "den_ngay",
    }
    exclude = ["person", "unit"]

    def plan(self, rows: list[Row]) -> None:
        usernames = {row.text("ten_dang_nhap") for row in rows} - {""}
        codes = {row.text("ma_don_vi") for row in rows} - {""}
        people, units, existing = {}, {}, {}
        for chunk in chunks(usernames):
            people.update((user.username, user) for user in User.objects.filter(username__in=chunk))
        for chunk in chunks(codes):
            units.update((unit.code, unit) for unit in OrgUnit.objects.filter(code__in=chunk))
        for chunk in chunks(user.pk for user in people.values()):
            for position in Position.objects.filter(person_id__in=chunk):
                existing[(position.person_id, position.unit_id, position.role, position.start_date)] = position

        first_row: dict[tuple, int] = {}
        for row in rows:
            item = Item(row=row, obj=None, is_new=True, before={})
            self.require(item)
            person, unit = people.get(row.text("ten_dang_nhap")), units.get(row.text("ma_don_vi"))
            if row.text("ten_dang_nhap") and person is None:
                self.fail(
                    item,
                    _("Không có tài khoản «%(name)s». Hãy nhập danh sách cán bộ trước.")
                    % {"name": row.text("ten_dang_nhap")},
                    "ten_dang_nhap",
                )
            if row.text("ma_don_vi") and unit is None:
                self.fail(
                    item,
                    _("Không có đơn vị mã «%(code)s». Hãy nhập danh sách đơn vị trước.")
                    % {"code": row.text("ma_don_vi")},
                    "ma_don_vi",
                )
            role = self.cell(item, "vai_tro", lambda v: parse_choice(v, Position.Role))
            start = self.cell(item, "tu_ngay", parse_date)
            end = self.cell(item, "den_ngay", parse_date)
            category = self.cell(item, "doi_tuong", lambda v: parse_choice(v, Position.Category))
            if item.errors or not (person and unit and role and start):
                continue
            key = (person.pk, unit.pk, role, start)
            if key in first_row:
                self.error(
                    row.number,
                    _("Chức vụ này (cùng cán bộ, đơn vị, vai trò, từ ngày) trùng với dòng %(row)d.")
                    % {"row": first_row[key]},
                )
                continue
            first_row[key] = row.number
            position = existing.get(key)
            if position is None:
                position = Position(person=person, unit=unit, role=role, start_date=start)
            else:
                position.person, position.unit = person, unit  # in memory: no query to display or validate
                item.is_new = False
            item.obj = position
            if not item.is_new:
                item.before = self.snapshot(item)
            if title := row.text("chuc_danh"):
                position.title = title
            if category:
                position.category = category
            if end:
                position.end_date = end
            self.items.append(item)

        changed = self.changed_items()
        for item in changed:
            self.validate(item, self.exclude)
        self.check_heads([item for item in changed if not item.errors])
        self.finish()

    def clean_row(self, obj: Position) -> None:
        obj.clean_term()

    def check_heads(self, items: list[Item]) -> None:
        """Position's one-head-at-a-time rule for every row at once, judged on the database as the file leaves
        it (a row closing the sitting head frees the post for the next). Of two heads of the file whose terms
        overlap, the one starting later is refused, naming the other's row."""
        order = {id(item.obj): (item.obj.start_date, index) for index, item in enumerate(items)}
        row_of = {id(item.obj): item.row.number for item in items}
        for item, others in zip(items, Position.overlapping_heads([item.obj for item in items]), strict=True):
            mine = order[id(item.obj)]
            earlier = [other for other in others if id(other) in order and order[id(other)] < mine]
            if earlier:
                first = min(earlier, key=lambda other: order[id(other)])
                self.fail(
                    item,
                    _("Trùng thời gian với người đứng đầu ở dòng %(row)d.") % {"row": row_of[id(first)]},
                    "tu_ngay",
                )
            elif any(id(other) not in order for other in others):
                self.reject(item, Position.overlap_error())

    def snapshot(self, item: Item) -> dict[str, str]:
        position = item.obj
        return {
            "ten_dang_nhap": position.person.username,
            "ma_don_vi": position.unit.code,
            "vai_tro": str(position.get_role_display()),
            "chuc_danh": position.title,
            "doi_tuong": str(position.get_category_display()),
            "tu_ngay": format_date(position.start_date),
            "den_ngay": format_date(position.end_date),
        }

    def write(self) -> None:
        # Updates first: a row closing the sitting head frees the post for a new head created by the file.
        updates = [planned.obj for planned in self.result.to_update]
        Position.objects.bulk_update(updates, ["title", "category", "end_date"], batch_size=UPDATE_BATCH_SIZE)
        Position.objects.bulk_create([planned.obj for planned in self.result.to_create], batch_size=BATCH_SIZE)
