from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Partner(models.Model):
    """A system that pushes orders through the API (a parallel hotline, another platform) and hears of
    their status changes by signed webhooks. It acts through its own account (with an API token); that
    account sees no orders through the gate, only those it pushed, by its own reference."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partner", verbose_name=_("account")
    )
    channel = models.ForeignKey(
        "taxonomy.Channel", on_delete=models.PROTECT, verbose_name=_("channel of its orders")
    )
    hotline_number = models.CharField(_("hotline number"), max_length=20, blank=True)
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    secret = models.CharField(_("signing secret"), max_length=100)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("partner system")
        verbose_name_plural = _("partner systems")

    def __str__(self) -> str:
        return self.name


class PartnerReference(models.Model):
    """A partner's own reference for an order it pushed; unique per partner, so a push is done once."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="references")
    reference = models.CharField(max_length=64)
    order = models.OneToOneField("workorders.WorkOrder", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "reference"], name="partner_reference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.partner.code}:{self.reference}"


class WebhookDelivery(models.Model):
    """One status change told to one partner. Unique per (partner, event): a listener or job that runs
    twice queues it once. Retried with backoff until delivered or given up."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="deliveries")
    order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey("workorders.Event", on_delete=models.CASCADE, related_name="+")
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.TextField(blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["partner", "event"], name="webhook_partner_event_unique")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.partner.code} event {self.event_id} ({self.state})"
