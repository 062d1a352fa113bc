"""Issue a token to a service account: `manage.py api_token SYSTEM_USERNAME "Tên khóa" --scope act`.

The account is a user holding positions in its unit (its scope, as anyone's); it gets no usable password, so it
cannot sign in to the pages. The token is printed once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from api.models import ApiToken, ServiceAccount
from api.services import token_create


class Command(BaseCommand):
    help = "Create a personal access token for a service account (printed once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("name", help="the token's name, as the audit log will show it")
        parser.add_argument("--scope", choices=ApiToken.Scope.values, default=ApiToken.Scope.READ)
        parser.add_argument("--system", default="", help="make the user a service account of this system first")

    @transaction.atomic
    def handle(self, *args, username, name, scope, system, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        if system:
            ServiceAccount.objects.get_or_create(user=user, defaults={"system": system})
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if not hasattr(user, "service_account"):
            raise CommandError(f"{username!r} is not a service account: give --system, or let the person create "
                               "their own token in the browser.")
        _token, secret = token_create(owner=user, by=None, name=name, scope=scope)
        self.stdout.write(secret)
