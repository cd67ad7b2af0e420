from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FirstResponse(models.Model):
    """When the caller first heard back on the channel they used (an automatic receipt counts), measured
    against the channel's GB/T 33358 target (``Channel.first_response_minutes``)."""

    class Via(models.TextChoices):
        RECEIPT = "receipt", _("automatic receipt")
        ANSWER = "answer", _("direct answer")
        REPLY = "reply", _("reply")
        MESSAGE = "message", _("message from staff")

    order = models.OneToOneField("workorders.WorkOrder", on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey("taxonomy.Channel", on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(db_index=True)
    responded_at = models.DateTimeField()
    seconds = models.PositiveIntegerField()
    via = models.CharField(max_length=10, choices=Via.choices)

    class Meta:
        verbose_name = _("first response")
        verbose_name_plural = _("first responses")
        indexes = [models.Index(fields=["channel", "received_at"])]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.seconds}s ({self.via})"
