"""What Open311 needs beyond the platform's own data: the extra fields a category asks for (service
attributes) and the token handed to a client for each request it created."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceAttribute(models.Model):
    """An extra field of one service (a category), as GeoReport v2 service definitions describe them."""

    class Datatype(models.TextChoices):
        STRING = "string", _("string")
        NUMBER = "number", _("number")
        DATETIME = "datetime", _("date and time")
        TEXT = "text", _("text")
        SINGLE = "singlevaluelist", _("one of a list")
        MULTI = "multivaluelist", _("several of a list")

    category = models.ForeignKey(
        "taxonomy.Category",
        on_delete=models.CASCADE,
        related_name="open311_attributes",
        verbose_name=_("category"),
    )
    code = models.SlugField(_("code"), max_length=40)
    datatype = models.CharField(_("type"), max_length=16, choices=Datatype.choices, default=Datatype.STRING)
    required = models.BooleanField(_("required"), default=False)
    description = models.CharField(_("question"), max_length=200)
    datatype_description = models.CharField(_("hint"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    values = models.JSONField(
        _("values"), default=list, blank=True, help_text=_('for lists: [{"key": "1", "name": "..."}]')
    )

    class Meta:
        ordering = ["category", "order", "code"]
        verbose_name = _("service attribute")
        verbose_name_plural = _("service attributes")
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="open311_attribute_unique")]

    def __str__(self) -> str:
        return f"{self.category}: {self.code}"


class RequestToken(models.Model):
    """The token returned with a request created through Open311 (``GET tokens/{token}``)."""

    token = models.CharField(max_length=40, unique=True)
    order = models.OneToOneField("workorders.WorkOrder", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.token
