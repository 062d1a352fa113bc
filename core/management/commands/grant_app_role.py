from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.db_roles import RoleError, grant_app_role


class Command(BaseCommand):
    help = ("Grant the app's database role (DATABASE_APP_ROLE, or --role) what it needs on every table, and take away "
            "what could rewrite the audit log (issue 11 §7). Repeatable; run as the tables' owner. PostgreSQL only.")

    def add_arguments(self, parser):
        parser.add_argument("--role", default=settings.DATABASE_APP_ROLE, help="default: DATABASE_APP_ROLE")

    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            self.stdout.write(f"Nothing to do on {connection.vendor}: database roles exist only on PostgreSQL.")
            return
        if not role:
            raise CommandError("No role: set DATABASE_APP_ROLE or pass --role.")
        try:
            statements = grant_app_role(role)
        except RoleError as error:
            raise CommandError(str(error)) from error
        for statement in statements:
            self.stdout.write(f"  {statement}", style_func=lambda text: text)
        self.stdout.write(self.style.SUCCESS(f"Role {role} granted; it cannot change or remove audit events."))
