"""Work orders (工单), their assignments to units, and the append-only event log that is the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.directory.models import Division, Unit
from hotline.taxonomy.models import Category, Channel, RejectionReason, RequestType, Urgency

from .lifecycle import Action, Status


class OrderSequence(models.Model):
    """A day of order numbers (``numbers.py``): on SQLite the last number issued, incremented by each
    intake; on PostgreSQL the value of the number sequence before the day's first order."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)
    base = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")  # 满意
    BASICALLY = "basically", _("basically satisfied")  # 基本满意
    DISSATISFIED = "dissatisfied", _("dissatisfied")  # 不满意


class WorkOrder(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, db_index=True)
    version = models.PositiveIntegerField(default=1, help_text="optimistic lock; bumped by every transition")
    last_event_seq = models.PositiveIntegerField(default=0, help_text="seq of the newest event")

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, verbose_name=_("channel"))
    hotline_number = models.CharField(_("dialled number"), max_length=20, blank=True, default="12345")
    external_id = models.CharField(_("external id"), max_length=64, blank=True, db_index=True)
    source_system = models.CharField(_("source system"), max_length=64, blank=True)

    caller_name = models.CharField(_("caller name"), max_length=50, blank=True)
    caller_phone = models.CharField(_("caller phone"), max_length=20, blank=True, db_index=True)
    caller_company = models.CharField(_("caller company"), max_length=100, blank=True)
    confidential = models.BooleanField(_("confidential"), default=False)  # 保密
    anonymous = models.BooleanField(_("anonymous"), default=False)
    publish_consent = models.BooleanField(_("may be published"), default=True)

    request_type = models.CharField(_("type"), max_length=16, choices=RequestType.choices)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("category")
    )
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    location_text = models.CharField(_("location"), max_length=300, blank=True)
    division = models.ForeignKey(
        Division, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("division")
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)

    rejection_reason = models.ForeignKey(
        RejectionReason, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("rejection reason")
    )
    answer = models.TextField(_("direct answer"), blank=True)
    master = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_orders"
    )
    related = models.ManyToManyField("self", blank=True, symmetrical=True)

    received_at = models.DateTimeField(_("received at"), db_index=True)
    dispatch_due_at = models.DateTimeField(_("dispatch due"), null=True, blank=True)
    progress_due_at = models.DateTimeField(_("progress due"), null=True, blank=True)
    progress_reported_at = models.DateTimeField(_("progress reported"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    satisfaction = models.CharField(
        _("satisfaction"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    solved = models.BooleanField(_("solved"), null=True)
    reopen_count = models.PositiveSmallIntegerField(_("reopened"), default=0)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    query_code = models.CharField(_("query code"), max_length=12, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["caller_phone", "received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        from .lifecycle import OPEN_STATUSES

        return self.status in OPEN_STATUSES


class Assignment(models.Model):
    """One unit's part in an order: lead (主办) or assisting (协办), each with its own deadlines."""

    class Role(models.TextChoices):
        LEAD = "lead", _("lead unit")  # 主办
        ASSIST = "assist", _("assisting unit")  # 协办

    class State(models.TextChoices):
        PENDING = "pending", _("to sign")  # 待签收
        SIGNED = "signed", _("in progress")  # 办理中
        RETURNED = "returned", _("returned")  # 已退回
        DONE = "done", _("done")  # 已回复/已提交协办意见
        CANCELLED = "cancelled", _("cancelled")  # 已撤回 (return accepted, re-dispatched, reopened)

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(max_length=8, choices=Role.choices)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING, db_index=True)
    round = models.PositiveSmallIntegerField(default=1, help_text="dispatch round: 1, then 2 after a reopen")

    dispatched_at = models.DateTimeField()
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    instructions = models.TextField(_("dispatch instructions"), blank=True)
    sign_due_at = models.DateTimeField(null=True)
    return_due_at = models.DateTimeField(null=True)
    due_at = models.DateTimeField(null=True, db_index=True, help_text="handling deadline")
    warn_at = models.DateTimeField(null=True, help_text="from here the assignment is due soon")
    committed_until = models.DateTimeField(null=True, help_text="承诺件: the committed completion date")

    signed_at = models.DateTimeField(null=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_at = models.DateTimeField(null=True)
    return_reason = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True)
    result = models.TextField(_("reply or contribution"), blank=True)
    solved = models.BooleanField(null=True)
    extension_count = models.PositiveSmallIntegerField(default=0)

    # Set once by the SLA sweep, so each warning and overdue mark fires exactly once.
    sign_overdue_marked_at = models.DateTimeField(null=True)
    warned_at = models.DateTimeField(null=True)
    overdue_marked_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["order", "round", "role", "id"]
        indexes = [
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["dispatched_at"]),  # assessment periods select assignments by dispatch time
        ]

    def __str__(self) -> str:
        return f"{self.order.number} → {self.unit} ({self.role})"

    @property
    def active(self) -> bool:
        return self.state in (self.State.PENDING, self.State.SIGNED)


class ExtensionRequest(models.Model):
    """A unit's request for more time (延期申请), decided by the center."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions")
    requested_due_at = models.DateTimeField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True)
    comment = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.assignment} until {self.requested_due_at:%Y-%m-%d} ({self.decision})"


class Event(models.Model):
    """One entry of an order's append-only history. Never updated or deleted: it is the audit trail."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField(help_text="position in the order's history, from 1")
    action = models.CharField(max_length=24, choices=Action.choices, db_index=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    reason = models.CharField(max_length=64, blank=True, help_text="a reason code, where the action has one")
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["order", "seq"]
        constraints = [models.UniqueConstraint(fields=["order", "seq"], name="event_order_seq_unique")]
        indexes = [models.Index(fields=["action", "at"])]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.seq} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise RuntimeError("events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise RuntimeError("events are append-only")


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.order.received_at:%Y/%m}/{instance.order.number}/{filename}"


class Attachment(models.Model):
    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    public = models.BooleanField(default=True, help_text="visible to the caller on the portal")

    def __str__(self) -> str:
        return self.name
