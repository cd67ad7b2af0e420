"""API tokens for systems (partner platforms, Open311 clients, scripts). Only a hash is stored; a token acts
as its user, with the user's role and unit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(
        _("prefix"), max_length=12, db_index=True, help_text="shown to tell tokens apart"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The first answer to a POST that carried an ``Idempotency-Key``: a retry with the same key (from the
    same caller) gets this answer back instead of acting twice. Kept until ``expires_at``."""

    scope = models.CharField(max_length=80, help_text="who sent the key: a token, a user or an address")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="hash of method, path and body")
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    status_code = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key_unique")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
