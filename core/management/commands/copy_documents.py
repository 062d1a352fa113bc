from django.conf import settings
from django.core.files.storage import InvalidStorageError, storages
from django.core.management.base import BaseCommand, CommandError

from core.document_store import documents_copy


class Command(BaseCommand):
    help = ("Copy every stored document from the store in use (DOCUMENT_STORE) to the other one, under the same "
            "names, each read back and checked against its SHA-256; repeatable (what is already there is skipped). "
            "Then switch DOCUMENT_STORE. See deploy/storage.md.")

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, choices=["s3", "filesystem"], help="the store to copy into")

    def handle(self, *args, to, **options):
        if to == settings.DOCUMENT_STORE:
            raise CommandError(f"DOCUMENT_STORE is already {to}: copy from the store in use to the other one.")
        try:
            target = storages[f"document_store_{to}"]
        except InvalidStorageError as error:
            raise CommandError("No S3 store is configured: set DOCUMENT_S3_BUCKET and the other DOCUMENT_S3_* "
                               "variables (deploy/storage.md), keeping DOCUMENT_STORE as it is.") from error
        def progress(name: str) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"  copied {name}")

        report = documents_copy(source=storages["default"], target=target, progress=progress)
        for line in report.missing:
            self.stdout.write(self.style.WARNING(f"missing here, not copied: {line}"))
        for line in report.not_as_recorded:
            self.stdout.write(self.style.WARNING(f"copied, but it already differed from its recorded SHA-256: {line}"))
        for line in report.failed:
            self.stdout.write(self.style.ERROR(f"FAILED: {line}"))
        summary = (f"{report.copied} copied, {report.already_there} already there, {len(report.missing)} missing, "
                   f"{len(report.not_as_recorded)} not as recorded, {len(report.failed)} failed")
        if report.failed:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
