from django.core.management.base import BaseCommand, CommandError

from core.audit import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit log's hash chain and report the first broken link."

    def handle(self, *args, **options):
        checked, broken = verify_chain()
        if broken:
            raise CommandError(f"Audit chain BROKEN at event #{broken.seq}: {broken.reason} ({checked} events intact before it).")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} events verified."))
