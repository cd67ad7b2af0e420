"""``hotline token create --user USERNAME [--name NAME]`` | ``list [--user USERNAME]`` | ``revoke ID``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.core.clock import now
from hotline.core.errors import ApplicationError
from hotline.directory.models import User
from hotline.tokens.selectors import tokens_of
from hotline.tokens.services import token_create, token_revoke


class Command(BaseCommand):
    help = "API tokens: create (prints the token once), list, revoke."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("--user", required=True)
        create.add_argument("--name", default="")
        listing = sub.add_parser("list")
        listing.add_argument("--user")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                user = self._user(options["user"])
                _, raw = token_create(user=user, name=options["name"] or f"{user.username} token", now=now())
                self.stdout.write(raw)
            elif options["action"] == "list":
                owner = self._user(options["user"]) if options["user"] else None
                for token in tokens_of(owner):
                    state = "revoked" if token.revoked_at else "active"
                    used = token.last_used_at.isoformat() if token.last_used_at else "never"
                    unit = token.user.unit.name if token.user.unit else "-"
                    self.stdout.write(
                        f"{token.pk}\t{token.prefix}…\t{token.user.username}\t{token.user.role}\t{unit}\t"
                        f"{token.name}\t{state}\tlast used {used}"
                    )
            else:
                token = token_revoke(token_id=options["id"], now=now())
                self.stdout.write(f"revoked {token.prefix}… ({token.name})")
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        return user
