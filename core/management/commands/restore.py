from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Restore a backup folder (manage.py backup) into an EMPTY database (DATABASE_URL, just created) and an "
            "EMPTY document store, checking every file against the manifest; then run verify_audit and "
            "verify_documents (deploy/backup-restore.md).")

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="the backup's folder (holding backup.json)")

    def handle(self, *args, folder: Path, **options):
        try:
            summary = restore(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        role = f"; role {summary.app_role} granted" if summary.app_role else ""
        self.stdout.write(self.style.SUCCESS(
            f"Restored {folder}: database in {summary.database_seconds} s{role}, {summary.files} documents "
            f"({summary.file_bytes} bytes) in {summary.documents_seconds} s. Next: manage.py verify_audit and "
            "manage.py verify_documents."))
