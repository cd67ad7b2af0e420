"""Smart dispatch in the admin: the catalogue (edited through the services, so every change is in its
history), the gazetteer, and the category model versions (train from an uploaded file, export a month of
orders as training data, activate or deactivate a version; weights are never edited by hand)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from hotline.core.clock import local_tz, now
from hotline.core.errors import ApplicationError
from hotline.core.tables import read_table
from hotline.directory.models import User

from .models import CatalogueChange, CatalogueRule, ModelAudit, ModelVersion, Place, RoutingDecision
from .selectors import training_rows
from .services import (
    RuleInput,
    catalogue_rule_retire,
    catalogue_rule_save,
    examples_from_rows,
    model_activate,
    model_deactivate,
    place_save,
)
from .services.models import DEFAULT_LABEL_COLUMN


class CatalogueChangeInline(admin.TabularInline[CatalogueChange, CatalogueRule]):
    model = CatalogueChange
    extra = 0
    can_delete = False
    fields = ["at", "action", "actor", "source", "before", "after"]
    readonly_fields = ["at", "action", "actor", "source", "before", "after"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _rule_input(data: dict[str, Any]) -> RuleInput:
    return RuleInput(
        category=data.get("category"),
        division=data.get("division"),
        lead=data.get("lead"),
        assists=list(data.get("assists") or []),
        keywords=data.get("keywords") or "",
        territorial=bool(data.get("territorial")),
        territorial_kind=data.get("territorial_kind") or "street",
        basis=data.get("basis") or "",
        priority=data.get("priority") or 0,
        active=bool(data.get("active")),
    )


class CatalogueRuleForm(forms.ModelForm[CatalogueRule]):
    class Meta:
        model = CatalogueRule
        fields = [
            "category",
            "keywords",
            "division",
            "territorial",
            "territorial_kind",
            "lead",
            "assists",
            "basis",
            "priority",
            "active",
        ]

    def clean(self) -> dict[str, Any]:
        from .services.catalogue import _validate

        data = super().clean() or {}
        try:
            _validate(_rule_input(data))
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        return data


@admin.register(CatalogueRule)
class CatalogueRuleAdmin(admin.ModelAdmin[CatalogueRule]):
    form = CatalogueRuleForm
    list_display = ["pk", "category", "keywords", "division", "territorial", "lead", "priority", "active"]
    list_filter = ["active", "territorial"]
    search_fields = ["keywords", "category__name", "lead__name", "division__name", "basis"]
    filter_horizontal = ["assists"]
    inlines = [CatalogueChangeInline]
    actions = ["retire"]

    def save_model(self, request: HttpRequest, obj: CatalogueRule, form: Any, change: bool) -> None:
        self._pending = (obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        obj, form, change = self._pending
        saved = catalogue_rule_save(
            data=_rule_input(form.cleaned_data),
            actor=_actor(request),
            now=now(),
            rule=CatalogueRule.objects.get(pk=obj.pk) if change and obj.pk else None,
            source="admin",
        )
        form.instance = saved
        obj.pk = saved.pk
        for formset in formsets:  # the history inline is read-only: this saves nothing, but completes it
            formset.instance = saved
            self.save_formset(request, form, formset, change=change)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # rules are retired, never deleted: their history stays

    @admin.action(description=_("Retire the selected rules"))
    def retire(self, request: HttpRequest, queryset: QuerySet[CatalogueRule]) -> None:
        for rule in queryset:
            catalogue_rule_retire(rule=rule, actor=_actor(request), now=now(), source="admin")
        messages.success(request, _("Rules retired."))


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin[Place]):
    list_display = ["name", "kind", "division", "aliases", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "aliases"]

    def save_model(self, request: HttpRequest, obj: Place, form: Any, change: bool) -> None:
        saved = place_save(
            name=obj.name, division=obj.division, kind=obj.kind, aliases=obj.aliases, active=obj.active
        )
        obj.pk = saved.pk


class TrainForm(forms.Form):
    file = forms.FileField(label=_("Training data (CSV or XLSX)"))
    text_columns = forms.CharField(label=_("Text columns"), initial="title,content")
    label_column = forms.CharField(label=_("Label column"), initial=DEFAULT_LABEL_COLUMN)
    activate = forms.BooleanField(label=_("Activate when trained"), required=False, initial=True)


class ExportForm(forms.Form):
    month = forms.CharField(label=_("Month (YYYY-MM)"), max_length=7)


class ModelAuditInline(admin.TabularInline[ModelAudit, ModelVersion]):
    model = ModelAudit
    extra = 0
    can_delete = False
    fields = ["at", "action", "actor", "detail"]
    readonly_fields = ["at", "action", "actor", "detail"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin[ModelVersion]):
    list_display = ["pk", "name", "created_at", "active", "macro_f1", "accuracy", "size"]
    readonly_fields = [
        "name",
        "algorithm",
        "params",
        "labels",
        "metrics",
        "training_summary",
        "weights_sha256",
        "size",
        "active",
        "created_at",
        "created_by",
        "activated_at",
    ]
    exclude = ["weights"]
    inlines = [ModelAuditInline]
    actions = ["activate", "deactivate"]
    change_list_template = "admin/routing/modelversion/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ModelVersion]:
        return super().get_queryset(request).defer("weights")

    @admin.display(description=_("macro-F1"))
    def macro_f1(self, obj: ModelVersion) -> Any:
        return obj.metrics.get("macro_f1")

    @admin.display(description=_("accuracy"))
    def accuracy(self, obj: ModelVersion) -> Any:
        return obj.metrics.get("accuracy")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Activate the selected version"))
    def activate(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> None:
        if queryset.count() != 1:
            messages.error(request, _("Choose exactly one version to activate."))
            return
        model_activate(version=queryset.get(), actor=_actor(request), now=now())
        messages.success(request, _("Version activated."))

    @admin.action(description=_("Deactivate the selected version"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> None:
        for version in queryset.filter(active=True):
            model_deactivate(version=version, actor=_actor(request), now=now())
        messages.success(request, _("Done."))

    def get_urls(self) -> list[URLPattern]:
        own = [
            path("train/", self.admin_site.admin_view(self.train_view), name="routing_modelversion_train"),
            path("export/", self.admin_site.admin_view(self.export_view), name="routing_modelversion_export"),
        ]
        return own + super().get_urls()

    def train_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = TrainForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            suffix = Path(upload.name).suffix.lower()
            try:
                with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
                    for chunk in upload.chunks():
                        handle.write(chunk)
                    handle.flush()
                    rows = read_table(handle.name)
                columns = [c.strip() for c in form.cleaned_data["text_columns"].split(",") if c.strip()]
                examples_from_rows(rows, text_columns=columns, label_column=form.cleaned_data["label_column"])
            except ApplicationError as exc:
                form.add_error("file", exc.message)
            else:
                from .tasks import train_job

                train_job(
                    rows,
                    columns,
                    form.cleaned_data["label_column"],
                    request.user.pk,
                    upload.name,
                    form.cleaned_data["activate"],
                )
                messages.success(
                    request, _("Training started; the new version appears in this list when done.")
                )
                return HttpResponseRedirect(reverse("admin:routing_modelversion_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Train a category model"),
        }
        return render(request, "admin/routing/modelversion/form.html", context)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ExportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                start = dt.datetime.strptime(form.cleaned_data["month"], "%Y-%m").replace(tzinfo=local_tz())
            except ValueError:
                form.add_error("month", _("Use the form YYYY-MM."))
            else:
                from .management.commands.router import write_rows

                end = (start + dt.timedelta(days=32)).replace(day=1)
                assert isinstance(request.user, User)
                rows = training_rows(request.user, start=start, end=end)
                with tempfile.TemporaryDirectory() as folder:
                    target = Path(folder) / "orders.csv"
                    write_rows(target, rows)
                    data = target.read_bytes()
                response = HttpResponse(data, content_type="text/csv; charset=utf-8")
                filename = f"orders-{form.cleaned_data['month']}.csv"
                response["Content-Disposition"] = f'attachment; filename="{filename}"'
                return response
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Export a month of orders"),
        }
        return render(request, "admin/routing/modelversion/form.html", context)


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


@admin.register(RoutingDecision)
class RoutingDecisionAdmin(admin.ModelAdmin[RoutingDecision]):
    list_display = ["order", "at", "outcome", "category_label", "confidence", "reason"]
    list_filter = ["outcome"]
    readonly_fields = [f.name for f in RoutingDecision._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
