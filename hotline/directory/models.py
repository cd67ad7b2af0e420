"""Administrative divisions, handling units (承办单位) and the staff who work in them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class Division(MP_Node):
    """An administrative division (行政区划): province, city, district/county, street/town, community."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        CITY = 2, _("city")
        DISTRICT = 3, _("district/county")
        STREET = 4, _("street/town")
        COMMUNITY = 5, _("community/village")

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    aliases = models.CharField(_("aliases"), max_length=300, blank=True, help_text=_("comma separated"))

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("division")
        verbose_name_plural = _("divisions")

    def __str__(self) -> str:
        return self.name


class Unit(MP_Node):
    """A handling unit (承办单位), or the hotline center itself. Units form a tree (a district government
    and its street offices, a department and its county workstations)."""

    class Kind(models.TextChoices):
        CENTER = "center", _("hotline center")
        DEPARTMENT = "department", _("government department")
        DISTRICT = "district", _("district/county government")
        STREET = "street", _("street office/town government")
        UTILITY = "utility", _("public utility or company")
        WORKSTATION = "workstation", _("county workstation")
        OTHER = "other", _("other")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    divisions = models.ManyToManyField(
        Division, blank=True, related_name="units", verbose_name=_("jurisdiction")
    )
    duties = models.TextField(_("duties"), blank=True, help_text=_("what the unit is responsible for"))
    active = models.BooleanField(_("active"), default=True)

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    @property
    def is_center(self) -> bool:
        return self.kind == self.Kind.CENTER


class UnitContact(models.Model):
    """Who to notify at a unit (supervision notices, SMS reminders)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=50)
    position = models.CharField(_("position"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    receives_notices = models.BooleanField(_("receives notices"), default=True)

    class Meta:
        verbose_name = _("unit contact")
        verbose_name_plural = _("unit contacts")

    def __str__(self) -> str:
        return f"{self.unit}: {self.name}"


class Role(models.TextChoices):
    AGENT = "agent", _("agent")  # 话务员
    DISPATCHER = "dispatcher", _("dispatcher")  # 派单员
    UNIT_HANDLER = "unit_handler", _("unit handler")  # 承办人
    UNIT_LEADER = "unit_leader", _("unit leader")  # 单位领导
    SUPERVISOR = "supervisor", _("supervisor")  # 督办员
    LEADER = "leader", _("leader")  # 领导
    ADMIN = "admin", _("administrator")  # 管理员


CENTER_ROLES = frozenset({Role.AGENT, Role.DISPATCHER, Role.SUPERVISOR, Role.LEADER, Role.ADMIN})
UNIT_ROLES = frozenset({Role.UNIT_HANDLER, Role.UNIT_LEADER})


class User(AbstractUser):
    """A staff account. Center roles see every order; unit roles see their unit's (a unit leader also
    sees the sub-units')."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.AGENT)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="staff", verbose_name=_("unit")
    )
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    staff_no = models.CharField(_("staff number"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("staff account")
        verbose_name_plural = _("staff accounts")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_center_staff(self) -> bool:
        return self.role in CENTER_ROLES

    @property
    def is_unit_staff(self) -> bool:
        return self.role in UNIT_ROLES
