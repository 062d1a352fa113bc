from django.core.management.base import BaseCommand, CommandError

from core.workdays import seed_years


class Command(BaseCommand):
    help = "Add Vietnam's public holidays for a range of years from the `holidays` package (keeps admin edits)."

    def add_arguments(self, parser):
        parser.add_argument("first_year", type=int)
        parser.add_argument("last_year", type=int, nargs="?")

    def handle(self, first_year, last_year=None, **options):
        last_year = last_year or first_year
        if not 1990 <= first_year <= last_year <= 2100:
            raise CommandError("Years must be between 1990 and 2100, first ≤ last.")
        added = seed_years(first_year, last_year)
        self.stdout.write(self.style.SUCCESS(f"{added} days added for {first_year}–{last_year}."))
