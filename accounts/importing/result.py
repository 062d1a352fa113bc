"""What an import did or would do: the rows to create and to update, and every error with its row."""

import dataclasses

# The preview page lists this many planned rows of each sort; the counts cover them all.
PREVIEW_ROWS = 50


@dataclasses.dataclass
class RowError:
    row: int | None  # as numbered in the spreadsheet (header = 1); None for the file as a whole
    message: str
    column: str = ""


@dataclasses.dataclass
class PlannedRow:
    row: int
    obj: object
    cells: list[tuple[str, bool]]  # (value shown, changed by this row) in the order of Kind.columns


@dataclasses.dataclass
class ImportResult:
    kind: str
    to_create: list[PlannedRow] = dataclasses.field(default_factory=list)
    to_update: list[PlannedRow] = dataclasses.field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    committed: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return bool(self.to_create or self.to_update)

    def add_error(self, row: int | None, message: str, column: str = "") -> None:
        self.errors.append(RowError(row=row, message=str(message), column=column))
