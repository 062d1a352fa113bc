from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup, read_summary


class Command(BaseCommand):
    help = ("Back up the database (pg_dump -Fc) and then the document store (a tar with a SHA-256 manifest) into a new "
            "timestamped folder under DESTINATION (deploy/backup-restore.md).")

    def add_arguments(self, parser):
        parser.add_argument("destination", type=Path, help="folder that receives the backup's own folder")

    def handle(self, *args, destination: Path, **options):
        try:
            folder = backup(destination)
        except BackupError as error:
            raise CommandError(str(error)) from error
        summary = read_summary(folder)
        self.stdout.write(self.style.SUCCESS(
            f"Backup {folder}: database {summary.dump_bytes} bytes in {summary.database_seconds} s, "
            f"{summary.files} documents ({summary.file_bytes} bytes) in {summary.documents_seconds} s."))
