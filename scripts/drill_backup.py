#!/usr/bin/env python
"""The backup-and-restore drill, printed (issue 14 §6): `make drill-backup`.

PostgreSQL only (DATABASE_URL). Next to that database it creates a throw-away one (`<name>_drill_<pid>_source`),
migrates it and loads the demo province (`seed_demo`: proposals in every state, their issued PDFs), backs it up
(`manage.py backup`: pg_dump, then the document store), restores into a second throw-away database and an empty
store (`manage.py restore`), runs `verify_audit` and `verify_documents` there, compares every table's rows, every
sequence and every trigger with the source, prints the figures and drops everything it created, whatever happens.
It never reads or writes DATABASE_URL's own data nor the configured document store. Exit status 1 when the restored
copy differs or a check fails. DRILL_KEEP=1 keeps the databases and the folder to look into them.
"""

import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "True")  # seed_demo refuses to run otherwise (its accounts share a password)
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")  # migrate and the seed run statements past the web's limit


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        print("scripts/drill_backup.py needs PostgreSQL: set DATABASE_URL=postgres://... (the backup is pg_dump).",
              file=sys.stderr)
        return 2

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from core.backup_drill import connected_to, create_database, drop_database, run_drill

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # a font warning per PDF otherwise
    base = connection.settings_dict["NAME"]
    source, target = f"{base}_drill_{os.getpid()}_source", f"{base}_drill_{os.getpid()}_restored"
    workdir = Path(tempfile.mkdtemp(prefix="drill-backup-"))
    figures = None
    try:
        print(f"Creating {source}, migrating it and loading the demo province...")
        started = time.perf_counter()
        create_database(source)
        with connected_to(source, workdir / "source-store"):
            call_command("migrate", verbosity=0)
            call_command("seed_demo", force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"  seeded in {time.perf_counter() - started:.0f} s")
        print(f"Backing up, restoring into {target} and an empty store, verifying...")
        figures = run_drill(source=source, source_store=workdir / "source-store", target=target,
                            target_store=workdir / "restored-store", workdir=workdir / "backups")
        print()
        for label, value in figures.lines():
            print(f"  {label:<42} {value}")
    finally:
        if os.environ.get("DRILL_KEEP"):
            print(f"\nDRILL_KEEP: kept {source}, {target} and {workdir} (drop and remove them by hand).")
        else:
            drop_database(source)
            drop_database(target)
            shutil.rmtree(workdir, ignore_errors=True)
            print("\nThrow-away databases and folders removed.")
    return 0 if figures is not None and figures.ok else 1


if __name__ == "__main__":
    sys.exit(main())
