"""What a request is: its type (咨询 求助 …), its category (three levels), the channel it came by, and
the reasons a request may be refused (不予受理)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class RequestType(models.TextChoices):
    CONSULT = "consult", _("consultation")  # 咨询
    HELP = "help", _("request for help")  # 求助
    COMPLAINT = "complaint", _("complaint")  # 投诉
    REPORT = "report", _("report")  # 举报
    SUGGESTION = "suggestion", _("suggestion")  # 建议
    PRAISE = "praise", _("praise")  # 表扬
    OTHER = "other", _("other")  # 其他


class Urgency(models.TextChoices):
    NORMAL = "normal", _("normal")  # 一般
    URGENT = "urgent", _("urgent")  # 紧急
    EMERGENCY = "emergency", _("emergency")  # 特急


class Category(MP_Node):
    """A node of the three-level category tree (一级/二级/三级分类)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True, help_text=_("comma separated"))

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    @property
    def level(self) -> int:
        return int(self.depth)


class Channel(models.Model):
    """A way a request reaches the center. ``first_response_minutes`` is the GB/T 33358 target."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    first_response_minutes = models.PositiveIntegerField(_("first response target (minutes)"), null=True)
    active = models.BooleanField(_("active"), default=True)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return self.name


class RejectionReason(models.Model):
    """A reason code for 不予受理. ``transfer`` marks emergencies that must be handed to 110/119/120/122."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    transfer = models.BooleanField(_("transfer to emergency services"), default=False)
    active = models.BooleanField(_("active"), default=True)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("rejection reason")
        verbose_name_plural = _("rejection reasons")

    def __str__(self) -> str:
        return self.name
