import pytest
from django.core.management import call_command

from hotline.tokens.models import ApiToken
from hotline.tokens.selectors import user_for_token
from hotline.tokens.services import token_create, token_revoke

pytestmark = pytest.mark.django_db


def test_token_is_stored_hashed_and_revocable(dispatcher, now):
    token, raw = token_create(user=dispatcher, name="partner", now=now)
    assert raw.startswith("hl_") and raw not in token.key_hash
    assert user_for_token(raw, now=now) == dispatcher
    assert user_for_token(raw + "x", now=now) is None
    token_revoke(token_id=token.pk, now=now)
    assert user_for_token(raw, now=now) is None


def test_token_command_creates_lists_and_revokes(dispatcher, capsys):
    call_command("token", "create", "--user", "dispatcher", "--name", "ci")
    raw = capsys.readouterr().out.strip()
    token = ApiToken.objects.get()
    assert raw.startswith(token.prefix)
    call_command("token", "list")
    assert "ci" in capsys.readouterr().out
    call_command("token", "revoke", str(token.pk))
    token.refresh_from_db()
    assert token.revoked_at is not None
