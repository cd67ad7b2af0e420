"""Smart dispatch (分得更准): category model versions, the dispatch catalogue with its history, the
gazetteer, the index of matters for duplicate search, what the router decided for each order, and the
evidence units leave by signing for or returning orders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hotline.directory.models import Division, Unit
from hotline.taxonomy.models import Category
from hotline.workorders.models import WorkOrder


class ModelVersion(models.Model):
    """One trained category model (分类模型版本). Its weights are numeric arrays and JSON in an ``.npz``
    archive read with ``allow_pickle=False`` (never a pickle), checked against ``weights_sha256``."""

    name = models.CharField(_("name"), max_length=100)
    algorithm = models.CharField(_("algorithm"), max_length=100)
    params = models.JSONField(_("parameters"), default=dict)
    labels = models.JSONField(_("labels"), default=list)
    metrics = models.JSONField(_("validation metrics"), default=dict)
    training_summary = models.JSONField(_("training data summary"), default=dict)
    weights = models.BinaryField(_("weights"))
    weights_sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    active = models.BooleanField(_("active"), default=False)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("category model version")
        verbose_name_plural = _("category model versions")
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="routing_one_active_model"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ModelAudit(models.Model):
    """What happened to a model version and who did it: trained, activated, deactivated, evaluated."""

    class Action(models.TextChoices):
        TRAINED = "trained", _("trained")
        ACTIVATED = "activated", _("activated")
        DEACTIVATED = "deactivated", _("deactivated")
        EVALUATED = "evaluated", _("evaluated")

    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="audit")
    action = models.CharField(max_length=16, choices=Action.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("model audit entry")
        verbose_name_plural = _("model audit entries")

    def __str__(self) -> str:
        return f"{self.version} {self.action} @ {self.at:%Y-%m-%d %H:%M}"


class CatalogueRule(models.Model):
    """One line of the dispatch catalogue (派单目录): a matter (a category and/or keywords) in an area (a
    division and everything under it; none: the whole deployment) goes to a lead unit with assisting units.

    ``territorial`` rules follow 属地管理优先: the lead is the unit of ``territorial_kind`` whose jurisdiction
    covers the order's place, resolved per order; otherwise the named ``lead`` is in charge (谁主管谁负责).
    The most specific matching rule wins (deeper category, then keywords, then deeper division, then
    ``priority``). Rules are never deleted: a retired rule keeps its history."""

    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
    )
    keywords = models.CharField(
        _("keywords"), max_length=300, blank=True, help_text=_("comma separated; any one in the text matches")
    )
    division = models.ForeignKey(
        Division, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    territorial = models.BooleanField(_("territorial (属地)"), default=False)
    territorial_kind = models.CharField(
        _("territorial unit kind"), max_length=16, choices=Unit.Kind.choices, default=Unit.Kind.STREET
    )
    lead = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead unit")
    )
    assists: models.ManyToManyField[Unit, Unit] = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name=_("assisting units")
    )
    basis = models.CharField(_("basis"), max_length=300, blank=True, help_text=_("the duty document"))
    priority = models.SmallIntegerField(_("priority"), default=0)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["category__path", "division__path", "-priority", "pk"]
        verbose_name = _("dispatch catalogue rule")
        verbose_name_plural = _("dispatch catalogue")

    def __str__(self) -> str:
        matter = self.category.name if self.category_id and self.category else self.keywords
        return f"{matter} @ {self.division or '*'}"

    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.replace("，", ",").split(",") if k.strip()]


class CatalogueChange(models.Model):
    """The history of the catalogue: every rule's state before and after each change, and who made it."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")
        RETIRED = "retired", _("retired")
        RESTORED = "restored", _("restored")

    rule = models.ForeignKey(CatalogueRule, on_delete=models.PROTECT, related_name="changes")
    action = models.CharField(max_length=16, choices=Action.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=100, blank=True, help_text="admin, import file name, API")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("catalogue change")
        verbose_name_plural = _("catalogue changes")

    def __str__(self) -> str:
        return f"{self.rule_id} {self.action} @ {self.at:%Y-%m-%d %H:%M}"


class Place(models.Model):
    """The deployment's own gazetteer (地名库): streets, roads, residential estates, landmarks, each in a
    division, so that a place named in the text resolves to where it is."""

    class Kind(models.TextChoices):
        ROAD = "road", _("road")
        ESTATE = "estate", _("residential estate")
        LANDMARK = "landmark", _("landmark")
        AREA = "area", _("area")

    name = models.CharField(_("name"), max_length=100)
    aliases = models.CharField(_("aliases"), max_length=300, blank=True, help_text=_("comma separated"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.LANDMARK)
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("place")
        verbose_name_plural = _("gazetteer")
        constraints = [models.UniqueConstraint(fields=["name", "division"], name="routing_place_unique")]

    def __str__(self) -> str:
        return self.name

    def names(self) -> list[str]:
        return [self.name, *(a.strip() for a in self.aliases.replace("，", ",").split(",") if a.strip())]


class MatterDoc(models.Model):
    """An order in the matter index: its masked key terms (hashed) and what the search filters on. The
    postings in ``MatterTerm`` make search an index lookup, never a scan of orders."""

    order = models.OneToOneField(WorkOrder, primary_key=True, on_delete=models.CASCADE, related_name="+")
    is_open = models.BooleanField(default=True)
    received_at = models.DateTimeField()
    division = models.ForeignKey(Division, null=True, on_delete=models.SET_NULL, related_name="+")
    category = models.ForeignKey(Category, null=True, on_delete=models.SET_NULL, related_name="+")
    caller_key = models.CharField(max_length=64, blank=True, help_text="hash of the caller's phone")
    terms = models.JSONField(default=list, help_text="term hashes")
    places = models.JSONField(default=list, help_text="term hashes of the places named")

    class Meta:
        indexes = [
            models.Index(fields=["caller_key", "received_at"]),
            models.Index(fields=["division", "received_at"]),
        ]

    def __str__(self) -> str:
        return f"doc {self.order_id}"


class MatterTerm(models.Model):
    """A posting of the matter index: term hash → order. ``is_open`` and ``received_at`` are copied from the
    doc so that the lookup filters without a join."""

    term = models.BigIntegerField()
    doc = models.ForeignKey(MatterDoc, on_delete=models.CASCADE, related_name="postings")
    is_open = models.BooleanField(default=True)
    received_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["term", "is_open", "doc"], name="routing_term_open"),
            models.Index(fields=["term", "received_at"], name="routing_term_time"),
        ]
        constraints = [models.UniqueConstraint(fields=["doc", "term"], name="routing_posting_unique")]

    def __str__(self) -> str:
        return f"{self.term} → {self.doc_id}"


class MatterTermStat(models.Model):
    """How many indexed orders hold a term (document frequency), kept with the postings: the search asks
    first for the rarest terms of the text."""

    term = models.BigIntegerField(primary_key=True)
    df = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.term}: {self.df}"


class RoutingDecision(models.Model):
    """What the router proposed for an order after intake, and whether it dispatched it by itself."""

    class Outcome(models.TextChoices):
        AUTO_DISPATCHED = "auto", _("dispatched automatically")
        WAITING = "waiting", _("waiting for a person")
        SKIPPED = "skipped", _("not routed")

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    model_version = models.ForeignKey(ModelVersion, null=True, on_delete=models.SET_NULL, related_name="+")
    category_label = models.CharField(max_length=100, blank=True)
    confidence = models.FloatField(null=True)
    suggestions = models.JSONField(default=list)
    flags = models.JSONField(default=list)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("routing decision")
        verbose_name_plural = _("routing decisions")

    def __str__(self) -> str:
        return f"{self.order_id} {self.outcome}"


class UnitEvidence(models.Model):
    """What units taught the router about a matter in an area: orders of a category in a district they
    signed for (evidence for) or returned as not theirs (evidence against). Counted once per event."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    division = models.ForeignKey(Division, null=True, on_delete=models.CASCADE, related_name="+")
    signed = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "category", "division"], name="routing_evidence_unique"),
            models.UniqueConstraint(
                fields=["unit", "category"], condition=Q(division=None), name="routing_evidence_any_area"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.category_id}: +{self.signed} -{self.returned}"


class EvidenceMark(models.Model):
    """One event already counted into ``UnitEvidence`` (keeps the counting idempotent under retries)."""

    event_id = models.BigIntegerField(primary_key=True)

    def __str__(self) -> str:
        return str(self.event_id)
