"""Supervision (督办): the trigger rules (thresholds as data), what each rule found on an order (a hit,
once per order and cause), the notices issued at each level — reminder (催办), supervision notice (督办)
and escalation (通报/约谈) — the units' written responses, and staff flags of media-exposed or sudden
items. Every notice, response and escalation is also an event on the order."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    REMIND = "remind", _("reminder")  # 催办
    SUPERVISE = "supervise", _("supervision notice")  # 督办
    ESCALATE = "escalate", _("escalation")  # 通报/约谈


class SupervisionRule(models.Model):
    """One trigger. ``code`` names the check in ``supervision.rules.RULES``; everything else is data an
    administrator edits (its name and description are the code's, translated): whether it runs, the level it starts at, its thresholds, how long a unit has to
    answer a supervision notice, and after how long an unheeded reminder becomes a notice."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    active = models.BooleanField(_("active"), default=True)
    level = models.CharField(_("first level"), max_length=12, choices=Level.choices, default=Level.REMIND)
    thresholds = models.JSONField(_("thresholds"), default=dict, blank=True)
    respond_within = models.CharField(
        _("response limit"),
        max_length=10,
        default="2wd",
        help_text=_("time a unit has to answer a supervision notice in writing, e.g. 2wd, 8wh, 24h"),
    )
    escalate_after = models.CharField(
        _("escalate reminder after"),
        max_length=10,
        blank=True,
        help_text=_("an unheeded reminder becomes a supervision notice after this long; empty: never"),
    )
    order = models.PositiveSmallIntegerField(_("position"), default=100)
    progress = models.JSONField(default=dict, blank=True, help_text="the sweep's own bookkeeping")
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("supervision rule")
        verbose_name_plural = _("supervision rules")

    def __str__(self) -> str:
        from .rules import RULES

        spec = RULES.get(self.code)
        return str(spec.name) if spec else self.code


class RuleChange(models.Model):
    """The audit trail of rule edits: who changed what, before and after."""

    rule = models.ForeignKey(SupervisionRule, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.rule_id} @ {self.changed_at:%Y-%m-%d %H:%M}"


class StaffFlag(models.Model):
    """An order flagged by center staff as media-exposed (媒体曝光) or a sudden event (突发事件); the
    matching rule supervises it on the next sweep."""

    class Kind(models.TextChoices):
        MEDIA = "media", _("exposed by the media")
        SUDDEN = "sudden", _("sudden event")

    order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE, related_name="staff_flags")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.TextField(_("note"))
    source = models.CharField(_("source"), max_length=200, blank=True, help_text=_("outlet or link"))
    flagged_at = models.DateTimeField(_("flagged at"))
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-flagged_at", "-pk"]
        verbose_name = _("staff flag")
        verbose_name_plural = _("staff flags")
        constraints = [models.UniqueConstraint(fields=["order", "kind"], name="staff_flag_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"


class RuleHit(models.Model):
    """What a rule found: one row per order and cause (``key``), enforced by a unique constraint, so a
    trigger fires once even when two sweeps run at the same time. A hit waits (``pending``) until a unit
    handles the order, then the sweep issues the rule's first notice; a hit whose order closed first
    lapses."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for a handling unit")
        ISSUED = "issued", _("notice issued")
        LAPSED = "lapsed", _("lapsed")

    rule = models.ForeignKey(SupervisionRule, on_delete=models.CASCADE, related_name="hits")
    order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE, related_name="rule_hits")
    key = models.CharField(max_length=80, blank=True, help_text="the cause within the order")
    unit = models.ForeignKey(
        "directory.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignment = models.ForeignKey(
        "workorders.Assignment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey(
        "workorders.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    flag = models.ForeignKey(StaffFlag, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    deadline = models.DateTimeField(null=True, blank=True, help_text="the missed or near deadline")
    data = models.JSONField(default=dict, blank=True)
    found_at = models.DateTimeField(db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    notice = models.ForeignKey("Notice", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-found_at", "-pk"]
        verbose_name = _("rule hit")
        verbose_name_plural = _("rule hits")
        constraints = [
            models.UniqueConstraint(fields=["rule", "order", "key"], name="rule_hit_once_per_cause")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}:{self.order_id}:{self.key}"


class Notice(models.Model):
    """A reminder, supervision notice or escalation addressed to one unit about one order.

    A supervision notice has its own deadline (``respond_by``) for the unit's written response; without
    one in time the sweep escalates it (once: ``escalated_at`` is claimed by a conditional update). A
    reminder is looked at again at ``check_at``: if its cause still holds it becomes a supervision
    notice, else it is resolved."""

    order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE, related_name="notices")
    unit = models.ForeignKey(
        "directory.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, db_index=True)
    cause = models.CharField(_("cause"), max_length=40, db_index=True)
    hit = models.ForeignKey(RuleHit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="followups"
    )
    text = models.TextField(_("text"))
    issued_at = models.DateTimeField(_("issued at"), db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.ForeignKey(
        "workorders.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    respond_by = models.DateTimeField(_("respond by"), null=True, blank=True)
    check_at = models.DateTimeField(null=True, blank=True, help_text="a reminder is reconsidered then")
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        indexes = [
            models.Index(fields=["level", "respond_by"]),
            models.Index(fields=["unit", "issued_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.level} → {self.unit_id}"

    @property
    def needs_response(self) -> bool:
        return self.level == Level.SUPERVISE


class NoticeResponse(models.Model):
    """The unit's written response to a supervision notice (督办回复); also a note event on the order."""

    notice = models.OneToOneField(Notice, on_delete=models.CASCADE, related_name="response")
    text = models.TextField(_("response"))
    responded_at = models.DateTimeField(_("responded at"))
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_time = models.BooleanField(_("on time"))
    event = models.ForeignKey(
        "workorders.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("notice response")
        verbose_name_plural = _("notice responses")

    def __str__(self) -> str:
        return f"response to {self.notice_id}"
