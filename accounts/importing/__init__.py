"""Import of units, people and positions from CSV or XLSX (spec README §2), for the browser and `import_org`.

The pipeline, one module a step:

1. `files`: `check_file`/`read_table` judge the file by its content, never its name: XLSX is a zip holding a
   workbook, CSV must be UTF-8 text (with or without BOM; comma, semicolon or tab separated). Row numbers
   are the ones the user sees in the spreadsheet: the header is row 1. `columns` says which header is which
   column, `cells` reads each value.
2. `units`, `people`, `positions`: a planner per kind turns rows into model instances: new ones to create and
   existing ones to update (same unit code, same username, or for positions the same person + unit + role +
   start date). Each row is validated by the model itself (its field checks and `clean()`) plus the checks
   only a whole file can make: duplicates and references to rows further down. The model rules that would
   cost a query per row run once for the whole file through the same functions the models use: the tree
   (`place_units`: no loops; `OrgUnit.update_paths` writes the paths) and one head at a time
   (`Position.overlapping_heads`), both judged on the database as the file leaves it.
3. `run`: nothing is written unless every row is valid. Writes are bulk operations inside one transaction,
   followed by one audit event. A dry run goes through the same steps and rolls back. `pending` keeps the
   upload between the preview and the confirmation.

Rules the user should know (also shown on the upload page):
- On update a blank cell keeps the current value: an import never erases data.
- Cell text is data: a cell starting with = + - @ is stored as typed and never evaluated; XLSX formula
  cells are read as their formula text, not computed.
- New people get an unusable password: they cannot sign in until an administrator sends them a password
  reset (or sets a password in the admin).
"""

from .columns import KIND_CHOICES, KINDS, Column, Kind, sample_rows
from .files import ImportFileError, check_file, max_upload_mb, read_table
from .pending import PendingImport, PendingImportGone, pending_discard, pending_load, pending_store
from .result import PREVIEW_ROWS, ImportResult, PlannedRow, RowError
from .run import org_import_commit, org_import_preview

__all__ = [
    "KINDS",
    "KIND_CHOICES",
    "PREVIEW_ROWS",
    "Column",
    "ImportFileError",
    "ImportResult",
    "Kind",
    "PendingImport",
    "PendingImportGone",
    "PlannedRow",
    "RowError",
    "check_file",
    "max_upload_mb",
    "org_import_commit",
    "org_import_preview",
    "pending_discard",
    "pending_load",
    "pending_store",
    "read_table",
    "sample_rows",
]
