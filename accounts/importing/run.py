"""Preview and commit: read the file, plan every row, and write all of it in one transaction or nothing."""

import time

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import audit_record

from ..models import User
from .cells import cell_text
from .columns import KINDS, map_header
from .files import ImportFileError, read_table
from .people import PersonPlanner
from .planning import Abort, Row
from .positions import PositionPlanner
from .result import ImportResult
from .units import UnitPlanner

PLANNERS = {"units": UnitPlanner, "people": PersonPlanner, "positions": PositionPlanner}


def _run(*, kind: str, content: bytes, commit: bool, actor: User | None = None, file_name: str = "") -> ImportResult:
    if kind not in KINDS:
        raise ValueError(f"Unknown import kind: {kind!r}")
    started = time.monotonic()
    result = ImportResult(kind=kind)
    try:
        header, raw_rows = read_table(content)
        mapping = map_header(KINDS[kind], header, result)
    except ImportFileError as exc:
        result.add_error(exc.row, str(exc))
        return result
    rows = [
        Row(number, {key: cells[index] for index, key in mapping.items() if index < len(cells)})
        for number, cells in raw_rows
    ]
    planner = PLANNERS[kind](result, headers={key: cell_text(header[index]) for index, key in mapping.items()})
    try:
        with transaction.atomic():
            planner.plan(rows)
            if not result.ok or not commit:
                # A dry run (or a file with errors) leaves the database exactly as it was.
                transaction.set_rollback(True)
            else:
                planner.write()
                audit_record(
                    action="org_import",
                    obj=actor,
                    actor=actor,
                    payload={
                        "kind": kind,
                        "created": len(result.to_create),
                        "updated": len(result.to_update),
                        "file_name": file_name,
                    },
                )
                result.committed = True
    except Abort:
        result.committed = False
    except IntegrityError:
        # Someone changed the same records between the checks and the writes.
        result.committed = False
        result.add_error(
            None,
            _("Dữ liệu trong hệ thống vừa thay đổi nên không ghi được; không có gì được ghi. Hãy kiểm tra lại tệp."),
        )
    result.errors.sort(key=lambda error: error.row or 0)
    result.seconds = time.monotonic() - started
    return result


def org_import_preview(*, kind: str, content: bytes) -> ImportResult:
    """Check a file and say what importing it would do; writes nothing."""
    return _run(kind=kind, content=content, commit=False)


def org_import_commit(*, kind: str, content: bytes, actor: User, file_name: str) -> ImportResult:
    """Check the file again and, if every row is valid, write it all and record one audit event."""
    if not actor.may_import_organisation():
        raise PermissionDenied(_("Bạn không có quyền nhập dữ liệu tổ chức."))
    return _run(kind=kind, content=content, commit=True, actor=actor, file_name=file_name)
