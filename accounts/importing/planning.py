"""What every kind's planner shares: rows in, model instances checked by the model's own rules, planned rows out."""

import dataclasses

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from .cells import CellError, cell_text
from .columns import Kind
from .result import ImportResult, PlannedRow

BATCH_SIZE = 500
# bulk_update writes CASE WHEN pk=… per field: its cost grows with the batch, so it gets smaller batches.
UPDATE_BATCH_SIZE = 100
# Lookups by code/username go in chunks: SQLite limits the number of parameters of one query.
LOOKUP_CHUNK = 500


def chunks(values, size: int = LOOKUP_CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


class Abort(Exception):
    """Raised inside the transaction to roll it back after an error was recorded."""


@dataclasses.dataclass
class Row:
    number: int
    values: dict[str, object]

    def text(self, key: str) -> str:
        return cell_text(self.values.get(key))


@dataclasses.dataclass
class Item:
    """One valid-so-far row on its way to becoming a PlannedRow."""

    row: Row
    obj: object
    is_new: bool
    before: dict[str, str]
    errors: int = 0
    bad: set[str] = dataclasses.field(default_factory=set)  # columns already reported on this row
    skip_clean: bool = False
    refs: dict[str, str | None] = dataclasses.field(default_factory=dict)


class Planner:
    """Shared steps; a subclass per kind knows its model, columns, whole-file rules and how to write in bulk."""

    kind: Kind
    field_columns: dict[str, str]  # model field → column key, to place model errors on their column

    def __init__(self, result: ImportResult, headers: dict[str, str]):
        self.result = result
        self.headers = headers  # column key → header as written in the file
        self.items: list[Item] = []

    def error(self, row: int | None, message: str, key: str = "") -> None:
        self.result.add_error(row, message, self.headers.get(key, key))

    def fail(self, item: Item, message: str, key: str = "") -> None:
        self.error(item.row.number, message, key)
        item.errors += 1
        item.bad.add(key)

    def reject(self, item: Item, exc: ValidationError) -> None:
        """A model's ValidationError on the row, each message on the column of its field."""
        errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        for field, messages in errors.items():
            for message in messages:
                self.fail(item, message, self.field_columns.get(field, ""))

    def cell(self, item: Item, key: str, parse):
        """The parsed cell, or None when blank or wrong (the error is recorded on the row)."""
        try:
            return parse(item.row.values.get(key))
        except CellError as exc:
            self.fail(item, str(exc), key)
            return None

    def clean_row(self, obj) -> None:
        """The model's clean(); a kind whose clean() queries per row runs that part for the whole file instead."""
        obj.clean()

    def validate(self, item: Item, exclude: list[str]) -> None:
        """The model's own checks, as full_clean() runs them. On a row that already has errors only the field
        checks run, on the columns not yet reported: clean() would judge values that could not be read."""
        exclude = exclude + [field for field, key in self.field_columns.items() if key in item.bad]
        errors: dict = {}
        try:
            item.obj.clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        # Uniqueness and foreign keys were resolved for the whole file in a few queries; the model's
        # constraints are the ones its clean() checks: neither is re-queried row by row.
        if not item.errors:
            try:
                self.clean_row(item.obj)
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            self.reject(item, ValidationError(errors))

    def require(self, item: Item) -> None:
        for column in self.kind.columns:
            if (column.required or (item.is_new and column.required_on_create)) and not item.row.text(column.key):
                self.fail(item, _("Thiếu giá trị bắt buộc."), column.key)

    def finish(self) -> None:
        for item in self.items:
            if item.errors:
                continue
            after = self.snapshot(item)
            changed = {key for key, value in after.items() if value != item.before.get(key)}
            planned = PlannedRow(
                row=item.row.number,
                obj=item.obj,
                cells=[(after.get(c.key, ""), not item.is_new and c.key in changed) for c in self.kind.columns],
            )
            if item.is_new:
                self.result.to_create.append(planned)
            elif changed:
                self.result.to_update.append(planned)
            else:
                self.result.unchanged += 1

    def changed_items(self) -> list[Item]:
        """Rows that create, or change something: unchanged rows are neither validated nor written."""
        return [item for item in self.items if item.is_new or self.snapshot(item) != item.before]

    def plan(self, rows: list[Row]) -> None:
        raise NotImplementedError

    def snapshot(self, item: Item) -> dict[str, str]:
        raise NotImplementedError

    def write(self) -> None:
        raise NotImplementedError
