"""Analysis and decision support (分析研判): the aggregates behind the dashboards, the text signatures behind
hot-issue detection, early-warning alerts and monthly themes (每月一题).

``OrderFact`` is one row per order with what the dashboards count it under (its day, channel, type, level-1
category, district, lead unit, outcome, reply and callback). ``DailyStat`` holds the sums of those facts per
day × dimension × key. Both are derived data: ``hotline analytics rebuild`` recomputes them from the orders,
and the event listener keeps them current by applying the difference between an order's old and new fact.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hotline.directory.models import Unit
from hotline.workorders.models import WorkOrder

METRICS = (
    "received",  # 受理量: orders received that day
    "answered",  # 直办: closed by a direct answer
    "rejected",  # 不予受理
    "merged",  # 并单
    "closed",  # 办结: closed after handling by a unit
    "replied",  # the lead unit replied that day
    "on_time",  # ... within its deadline
    "callbacks",  # 回访 recorded that day
    "satisfied",
    "basically",
    "dissatisfied",
    "solved",  # the caller said at callback that the problem was solved
)


class OrderFact(models.Model):
    """What the dashboards count one order under. Keys are plain ids (no foreign keys) so the table can be
    rebuilt in bulk; ``category_id`` is the level-1 category, ``district_id`` the district-level division,
    ``unit_id`` the most recent lead unit."""

    class Outcome(models.TextChoices):
        NONE = "", _("open")
        ANSWERED = "answered", _("direct answer")
        REJECTED = "rejected", _("rejected")
        MERGED = "merged", _("merged")
        CLOSED = "closed", _("closed after handling")

    order = models.OneToOneField(
        WorkOrder, primary_key=True, on_delete=models.CASCADE, related_name="analytics_fact"
    )
    received_day = models.DateField(db_index=True)
    received_hour = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=32)
    request_type = models.CharField(max_length=16)
    category_id = models.IntegerField(null=True)
    district_id = models.IntegerField(null=True)
    unit_id = models.IntegerField(null=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    final_day = models.DateField(null=True)
    replied_day = models.DateField(null=True)
    on_time = models.BooleanField(null=True)
    callback_day = models.DateField(null=True)
    satisfaction = models.CharField(max_length=16, blank=True)
    solved = models.BooleanField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["category_id", "received_day"]),
            models.Index(fields=["district_id", "received_day"]),
            models.Index(fields=["unit_id", "received_day"]),
            models.Index(fields=["replied_day"]),
            models.Index(fields=["callback_day"]),
            models.Index(fields=["final_day"]),
        ]

    def __str__(self) -> str:
        return f"fact {self.order_id}"


class DailyStat(models.Model):
    """Counters per day × dimension × key (see ``hotline.analytics.facts.DIMENSIONS``)."""

    day = models.DateField()
    dimension = models.CharField(max_length=16)
    key = models.CharField(max_length=48, blank=True)
    received = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    merged = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    replied = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    callbacks = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    basically = models.IntegerField(default=0)
    dissatisfied = models.IntegerField(default=0)
    solved = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dimension", "key", "day"], name="analytics_dailystat_unique")
        ]
        indexes = [models.Index(fields=["dimension", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.key}"


class OrderSignature(models.Model):
    """The text signature hot-issue detection compares: the problem words (place names taken out), the
    specific place (a residential compound, a road, a school …) and the district. Computed by the worker
    when an order comes in or its title or place is corrected, and on demand for orders that have none."""

    order = models.OneToOneField(
        WorkOrder, primary_key=True, on_delete=models.CASCADE, related_name="analytics_signature"
    )
    received_at = models.DateTimeField(db_index=True)
    version = models.PositiveSmallIntegerField()
    terms = models.TextField(blank=True, help_text="space-separated problem words, title words first")
    place = models.CharField(max_length=100, blank=True, help_text="normalised key of the specific place")
    place_label = models.CharField(max_length=100, blank=True)
    district = models.CharField(max_length=100, blank=True)
    caller = models.CharField(max_length=16, blank=True, help_text="a hash telling callers apart")
    likes = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"signature {self.order_id}"


class OrderSupport(models.Model):
    """Likes and oppositions (点赞数/反对数) an order had on the channel it came from (a message board)."""

    order = models.OneToOneField(WorkOrder, primary_key=True, on_delete=models.CASCADE, related_name="+")
    likes = models.PositiveIntegerField(default=0)
    dislikes = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.order_id}: +{self.likes} -{self.dislikes}"


class Alert(models.Model):
    """An early warning (预警) for one category × district: a sudden spike (突发性), an emerging problem
    (苗头性) or a rising trend (趋势性). ``cause_key`` makes each fire once per cause and period."""

    class Kind(models.TextChoices):
        SUDDEN = "sudden", _("sudden spike")  # 突发性
        EMERGING = "emerging", _("emerging problem")  # 苗头性
        TREND = "trend", _("rising trend")  # 趋势性

    class State(models.TextChoices):
        OPEN = "open", _("open")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        DISMISSED = "dismissed", pgettext_lazy("alert", "dismissed")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    cause_key = models.CharField(max_length=120, unique=True)
    category_id = models.IntegerField(null=True)
    district_id = models.IntegerField(null=True)
    category_name = models.CharField(_("category"), max_length=100, blank=True)
    district_name = models.CharField(_("district"), max_length=100, blank=True)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"), help_text="last day of the period, inclusive")
    observed = models.FloatField(_("observed"))
    expected = models.FloatField(_("expected"))
    threshold = models.FloatField(_("threshold"))
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("raised at"), db_index=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("handling note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.category_name} {self.district_name}"


class MonthlyTheme(models.Model):
    """每月一题: a hot issue the center takes up for a month, with owners, tasks and tracking."""

    class State(models.TextChoices):
        OPEN = "open", _("in progress")
        DONE = "done", _("concluded")
        CANCELLED = "cancelled", _("cancelled")

    month = models.DateField(_("month"), help_text="the first day of the month")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    place_key = models.CharField(
        max_length=100, blank=True, help_text="the signature's place key, for tracking"
    )
    district = models.CharField(_("district"), max_length=100, blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True, help_text="space separated")
    issue_since = models.DateTimeField(null=True, blank=True)
    issue_until = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(_("heat at promotion"), default=0)
    orders = models.ManyToManyField(WorkOrder, blank=True, related_name="+")
    lead_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead unit")
    )
    units = models.ManyToManyField(  # type: ignore[var-annotated]
        Unit, blank=True, related_name="+", verbose_name=_("owner units")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("center owner"),
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    conclusion = models.TextField(_("conclusion"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month", "-pk"]
        verbose_name = _("monthly theme")
        verbose_name_plural = _("monthly themes")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.title}"


class ThemeTask(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")

    theme = models.ForeignKey(MonthlyTheme, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    due_on = models.DateField(_("due on"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    result = models.TextField(_("result"), blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class ThemeUpdate(models.Model):
    """The theme's tracking log: who did what, when. Append-only."""

    class Kind(models.TextChoices):
        CREATED = "created", _("promoted")
        TASK = "task", _("task added")
        PROGRESS = "progress", _("progress")
        DONE = "done", _("task done")
        CONCLUDED = "concluded", _("concluded")
        CANCELLED = "cancelled", _("cancelled")

    theme = models.ForeignKey(MonthlyTheme, on_delete=models.CASCADE, related_name="updates")
    task = models.ForeignKey(ThemeTask, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.theme_id} {self.kind}"
