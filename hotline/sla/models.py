"""The working calendar (holidays and 调休 make-up days), working hours and SLA policies, all as data."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.directory.models import Unit
from hotline.taxonomy.models import Category, RequestType, Urgency

from .limits import Limit


class CalendarYear(models.Model):
    """A year whose holidays are known. Days of a year with no row here fall back to weekends only."""

    class Source(models.TextChoices):
        PACKAGE = "chinese-calendar", _("chinese-calendar package")
        IMPORT = "import", _("imported notice")
        MANUAL = "manual", _("entered by hand")

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """An exception to the weekend rule: a holiday on a weekday, or a make-up working day on a weekend."""

    date = models.DateField(_("date"), primary_key=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_workday else '休'} {self.name}"


class WorkingPeriod(models.Model):
    """A span of working hours within a working day, e.g. 08:30–12:00 and 14:00–17:30."""

    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))

    class Meta:
        ordering = ["start"]
        verbose_name = _("working period")
        verbose_name_plural = _("working periods")

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start >= self.end:
            raise ValidationError(_("A working period must end after it starts."))


def validate_limit(value: str) -> None:
    try:
        Limit.parse(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


class SlaPolicy(models.Model):
    """Time limits for a kind of order. The most specific policy wins, urgency weighing most (an
    emergency is an emergency whatever its category), then unit, category and request type; a policy with
    every field blank is the default. A category policy also covers the category's descendants.

    Limits are written ``<amount><unit>``: ``2h`` clock hours, ``8wh`` working hours, ``5wd`` working
    days (ending with the last working day's working hours; ``0wd`` is the same working day).
    """

    name = models.CharField(_("name"), max_length=100)
    request_type = models.CharField(_("request type"), max_length=16, choices=RequestType.choices, blank=True)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE)
    sign_limit = models.CharField(
        _("sign-for limit"), max_length=8, default="1wd", validators=[validate_limit]
    )
    return_limit = models.CharField(
        _("return limit"), max_length=8, default="0wd", validators=[validate_limit]
    )
    handle_limit = models.CharField(
        _("handling limit"), max_length=8, default="5wd", validators=[validate_limit]
    )
    progress_limit = models.CharField(
        _("progress-report limit"), max_length=8, default="5wd", validators=[validate_limit]
    )
    dispatch_limit = models.CharField(
        _("dispatch limit"), max_length=8, default="2wd", validators=[validate_limit]
    )
    warning_ratio = models.DecimalField(
        _("warning threshold"),
        max_digits=3,
        decimal_places=2,
        default=0.8,
        help_text=_("share of the handling time after which an order is due soon"),
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return self.name

    @property
    def specificity(self) -> int:
        return (
            (32 if self.urgency else 0)
            + (16 if self.unit_id else 0)
            + (8 if self.category_id else 0)
            + (4 if self.request_type else 0)
        )
