from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageTemplate(models.Model):
    """An outbound text (SMS, or the body of a mail) that admins edit. Written in the Django template
    language; ``variables`` documents what the sender passes."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    subject = models.CharField(_("mail subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    variables = models.CharField(_("variables"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"


class OutboundMessage(models.Model):
    """One text queued for a caller or a unit contact; the worker sends it after commit, with retries."""

    class Kind(models.TextChoices):
        SMS = "sms", _("SMS")
        MAIL = "mail", _("mail")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        RETRY = "retry", _("waiting to retry")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("not sent (template disabled)")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.SMS)
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    template = models.CharField(_("template"), max_length=40, blank=True)
    order = models.ForeignKey(
        "workorders.WorkOrder", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_caller = models.BooleanField(
        _("to the caller"), default=False, help_text=_("an answer to the caller on their channel")
    )
    in_reply_to = models.CharField(max_length=300, blank=True, help_text="Message-ID of the mail answered")
    dedupe_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    gateway_ref = models.CharField(_("gateway reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("queued at"), db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to} ({self.state})"


class InboundMessage(models.Model):
    """A message a citizen sent by SMS, WeChat or mail, and what the platform did with it. The external id
    (gateway id, WeChat MsgId, Message-ID) is unique, so a gateway's retry is answered, not acted on twice."""

    class Kind(models.TextChoices):
        SMS = "sms", _("SMS")
        WECHAT = "wechat", _("WeChat")
        MAIL = "mail", _("mail")

    class Outcome(models.TextChoices):
        ORDER = "order", _("new order")
        ADDED = "added", _("added to an open order")
        QUERY = "query", _("status query")
        CONSUMED = "consumed", _("taken by another app")
        IGNORED = "ignored", _("ignored")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    external_id = models.CharField(_("external id"), max_length=300, unique=True)
    sender = models.CharField(_("sender"), max_length=254, db_index=True)
    recipient = models.CharField(_("to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    order = models.ForeignKey(
        "workorders.WorkOrder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("work order"),
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    reply = models.TextField(_("answer given"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")

    def __str__(self) -> str:
        return f"{self.kind} from {self.sender} ({self.outcome})"


class MailboxCursor(models.Model):
    """How far the IMAP fetch has read a mailbox (UIDVALIDITY and the last UID taken)."""

    account = models.CharField(max_length=200, unique=True)
    uidvalidity = models.BigIntegerField(default=0)
    last_uid = models.BigIntegerField(default=0)
    fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.account} @ {self.last_uid}"
