from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MergedHotline(models.Model):
    """A hotline folded into 12345 (归并): its number, how it was merged, and what its requests default
    to. Orders that came by it carry its number as ``hotline_number``."""

    class Mode(models.TextChoices):
        MERGED = "merged", _("merged")  # 整合: the old number is retired into 12345
        PARALLEL = "parallel", _("parallel numbers")  # 双号并行: both numbers ring at the center
        FORWARDED = "forwarded", _("forwarded")  # 转接: calls to the old number are forwarded

    number = models.CharField(_("number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    default_category = models.ForeignKey(
        "taxonomy.Category",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("default category"),
    )
    default_unit = models.ForeignKey(
        "directory.Unit", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("default unit")
    )
    active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("merged hotline")
        verbose_name_plural = _("merged hotlines")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Call(models.Model):
    """A call reported by the call-center platform's webhook, from ringing to its end. An abandoned call
    (the caller hung up before an agent answered) waits on the missed-call list for a call back."""

    class State(models.TextChoices):
        RINGING = "ringing", _("ringing")
        ANSWERED = "answered", _("answered")
        ENDED = "ended", _("ended")
        ABANDONED = "abandoned", _("abandoned")

    class Callback(models.TextChoices):
        NONE = "", _("not needed")
        PENDING = "pending", _("to call back")
        DONE = "done", _("called back")
        UNREACHABLE = "unreachable", _("unreachable")

    call_id = models.CharField(_("call id"), max_length=64, unique=True)
    caller = models.CharField(_("caller number"), max_length=20, db_index=True)
    dialled = models.CharField(_("dialled number"), max_length=20, default="12345")
    hotline = models.ForeignKey(
        MergedHotline, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("merged hotline")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("agent"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RINGING)
    rang_at = models.DateTimeField(_("rang at"), db_index=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (s)"), null=True, blank=True)
    recording_ref = models.CharField(_("recording"), max_length=300, blank=True)
    order = models.ForeignKey(
        "workorders.WorkOrder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("work order"),
    )
    pushed_at = models.DateTimeField(null=True, blank=True, help_text="when the agent's console was told")
    callback = models.CharField(
        _("call back"), max_length=12, choices=Callback.choices, default=Callback.NONE, blank=True
    )
    callback_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    callback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    callback_note = models.CharField(_("call-back note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-rang_at", "-pk"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        indexes = [models.Index(fields=["callback", "rang_at"]), models.Index(fields=["agent", "state"])]

    def __str__(self) -> str:
        return f"{self.call_id} {self.caller} ({self.state})"
