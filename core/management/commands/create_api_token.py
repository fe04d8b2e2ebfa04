"""Print a new API token for a user (for automation): hashed in the database, named and
expiring like the tokens users make on their profile page."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core import accounts


class Command(BaseCommand):
    help = (
        "Print a new API token for USER, valid --days days (default API_TOKEN_DEFAULT_DAYS). "
        "--reset first revokes the user's tokens of the same --name."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="automation", help="What the token is for.")
        parser.add_argument("--days", type=int, default=None, help="Days until it expires.")
        parser.add_argument("--reset", action="store_true", help="Revoke the old one first.")

    def handle(self, *args, username, name, days, reset, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}.") from exc
        if reset:
            accounts.api_tokens_of(user).filter(name=name).delete()
        elif accounts.api_tokens_of(user).filter(name=name).exists():
            name = f"{name} {accounts.api_tokens_of(user).count() + 1}"
        try:
            token, plain = accounts.api_token_create(user=user, name=name, days=days)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(f"{token.name}: expires {token.expiry:%Y-%m-%d %H:%M}")
        self.stdout.write(plain)
