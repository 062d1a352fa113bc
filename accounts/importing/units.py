"""Units: rows by code, created or updated; the tree is checked and its paths written by OrgUnit's own rules."""

from django.utils.translation import gettext as _

from ..models import OrgUnit, TreeTooDeep, path_ids, place_units
from .cells import format_date, parse_choice, parse_date
from .columns import KINDS
from .planning import BATCH_SIZE, UPDATE_BATCH_SIZE, Abort, Item, Planner, Row, chunks


class UnitPlanner(Planner):
    kind = KINDS["units"]
    field_columns = {
        "code": "ma_don_vi",
        "name": "ten_don_vi",
        "abbreviation": "viet_tat",
        "place_name": "dia_danh",
        "parent": "ma_don_vi_cap_tren",
        "level": "cap",
        "kind": "loai_hinh",
        "valid_from": "hieu_luc_tu",
        "valid_to": "hieu_luc_den",
        "successor": "ma_don_vi_ke_thua",
    }
    exclude = ["parent", "successor", "path"]

    def plan(self, rows: list[Row]) -> None:
        # Every unit, once: thousands at most, and the whole tree is needed to find loops.
        self.existing: dict[str, OrgUnit] = {unit.code: unit for unit in OrgUnit.objects.all()}
        self.code_of = {unit.pk: unit.code for unit in self.existing.values()}

        first_row: dict[str, int] = {}
        for row in rows:
            code = row.text("ma_don_vi")
            if code and code in first_row:
                self.error(
                    row.number,
                    _("Mã đơn vị «%(code)s» trùng với dòng %(row)d.") % {"code": code, "row": first_row[code]},
                    "ma_don_vi",
                )
                continue
            if code:
                first_row[code] = row.number
            unit = self.existing.get(code)
            item = Item(row=row, obj=unit or OrgUnit(code=code), is_new=unit is None, before={})
            if unit is not None:
                item.before = self.snapshot(item)
            self.require(item)
            self.items.append(item)
        known = set(self.existing) | set(first_row)

        for item in self.items:
            unit, row = item.obj, item.row
            for key, field in (("ten_don_vi", "name"), ("viet_tat", "abbreviation"), ("dia_danh", "place_name")):
                if value := row.text(key):
                    setattr(unit, field, value)
            for key, field, parse in (
                ("cap", "level", lambda v: parse_choice(v, OrgUnit.Level)),
                ("loai_hinh", "kind", lambda v: parse_choice(v, OrgUnit.Kind)),
                ("hieu_luc_tu", "valid_from", parse_date),
                ("hieu_luc_den", "valid_to", parse_date),
            ):
                value = self.cell(item, key, parse)
                if value is not None:
                    setattr(unit, field, value)
            item.refs = {
                "parent": self.code_of.get(unit.parent_id) if unit.parent_id else None,
                "successor": self.code_of.get(unit.successor_id) if unit.successor_id else None,
            }
            for key, ref, message in (
                ("ma_don_vi_cap_tren", "parent", _("Đơn vị không thể là cấp trên của chính nó.")),
                ("ma_don_vi_ke_thua", "successor", _("Đơn vị không thể kế thừa chính nó.")),
            ):
                code = row.text(key)
                if not code:
                    continue
                if code == unit.code:
                    self.fail(item, message, key)
                elif code not in known:
                    self.fail(
                        item, _("Không tìm thấy đơn vị «%(code)s» trong hệ thống hay trong tệp.") % {"code": code}, key
                    )
                else:
                    item.refs[ref] = code
            # The parent is set when written (a parent created by this file has no id yet): the loop check
            # of OrgUnit.clean() runs for the whole file in check_tree(), not one query per row.

        self.check_tree()
        for item in self.changed_items():
            if not item.skip_clean:
                self.validate(item, self.exclude)
        self.finish()

    def check_tree(self) -> None:
        """OrgUnit's tree rule (`place_units`) for every row at once, on codes: new units have no id yet."""
        stored = {
            code: tuple(self.code_of.get(pk, pk) for pk in path_ids(unit.path)) for code, unit in self.existing.items()
        }
        parents = {item.obj.code: item.refs["parent"] for item in self.items if item.obj.code}
        self.placement = place_units(parents, stored)
        for item in self.items:
            if item.obj.code in self.placement.loops:
                self.reject(item, OrgUnit.loop_error())
            elif item.obj.code and item.obj.code not in self.placement.chains:
                item.skip_clean = True  # above it is a loop, reported on the rows that form it

    def clean_row(self, obj: OrgUnit) -> None:
        obj.clean_validity()

    def snapshot(self, item: Item) -> dict[str, str]:
        unit = item.obj
        refs = item.refs or {
            "parent": self.code_of.get(unit.parent_id) if unit.parent_id else None,
            "successor": self.code_of.get(unit.successor_id) if unit.successor_id else None,
        }
        return {
            "ma_don_vi": unit.code,
            "ten_don_vi": unit.name,
            "viet_tat": unit.abbreviation,
            "dia_danh": unit.place_name,
            "ma_don_vi_cap_tren": refs["parent"] or "",
            "cap": str(unit.get_level_display()) if unit.level else "",
            "loai_hinh": str(unit.get_kind_display()),
            "hieu_luc_tu": format_date(unit.valid_from),
            "hieu_luc_den": format_date(unit.valid_to),
            "ma_don_vi_ke_thua": refs["successor"] or "",
        }

    def write(self) -> None:
        item_of = {item.obj.code: item for item in self.items}
        by_code = dict(self.existing)

        def ref_id(item: Item, ref: str) -> int | None:
            code = item.refs[ref]
            return by_code[code].pk if code in by_code else None

        # Parents before children, so that every unit is inserted with its parent's id: a new unit's depth is
        # the number of new units right above it in the chain check_tree() found.
        depth: dict[str, int] = {}
        created = [planned.obj for planned in self.result.to_create]
        for unit in created:
            above = self.placement.chains[unit.code][:-1]
            depth[unit.code] = next(
                (count for count, code in enumerate(reversed(above)) if code in self.existing), len(above)
            )
        for level in sorted(set(depth.values())):
            batch = [unit for unit in created if depth[unit.code] == level]
            for unit in batch:
                unit.parent_id = ref_id(item_of[unit.code], "parent")
                unit.successor_id = ref_id(item_of[unit.code], "successor")  # None if created later: see below
            OrgUnit.objects.bulk_create(batch, batch_size=BATCH_SIZE)
            if any(unit.pk is None for unit in batch):  # a backend that cannot return ids from a bulk insert
                pks = {}
                for codes in chunks(unit.code for unit in batch):
                    pks.update(OrgUnit.objects.filter(code__in=codes).values_list("code", "pk"))
                for unit in batch:
                    unit.pk = pks[unit.code]
            by_code.update((unit.code, unit) for unit in batch)

        late_successor = []
        for unit in created:
            successor_id = ref_id(item_of[unit.code], "successor")
            if successor_id != unit.successor_id:
                unit.successor_id = successor_id
                late_successor.append(unit)
        updated = [planned.obj for planned in self.result.to_update]
        for unit in updated:
            unit.parent_id = ref_id(item_of[unit.code], "parent")
            unit.successor_id = ref_id(item_of[unit.code], "successor")
        # bulk_update writes a CASE per field over its batch: only the rows and fields that need it.
        OrgUnit.objects.bulk_update(late_successor, ["successor"], batch_size=UPDATE_BATCH_SIZE)
        OrgUnit.objects.bulk_update(
            updated,
            ["name", "abbreviation", "place_name", "parent", "level", "kind", "valid_from", "valid_to", "successor"],
            batch_size=UPDATE_BATCH_SIZE,
        )
        try:
            OrgUnit.update_paths([*created, *updated])
        except TreeTooDeep as exc:
            code = next(code for code, unit in by_code.items() if unit.pk == exc.unit_id)
            self.error(None, _("Cây đơn vị quá sâu tại đơn vị «%(code)s».") % {"code": code})
            raise Abort from exc
