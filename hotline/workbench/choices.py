"""Choice lists of the staff forms: units, categories and divisions as labelled trees, one query each."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model

from hotline.directory.models import Division, Unit
from hotline.taxonomy.models import Category

INDENT = "\u3000"  # an ideographic space per level: the tree stays readable in a plain <select>


def unit_choices() -> list[tuple[str, str]]:
    """Units that can handle orders (active, not the center), indented under their parents."""
    rows = (
        Unit.objects.filter(active=True)
        .exclude(kind=Unit.Kind.CENTER)
        .order_by("path")
        .values_list("pk", "name", "depth")
    )
    return [(str(pk), INDENT * (depth - 1) + name) for pk, name, depth in rows]


def category_choices(*, active_only: bool = True) -> list[tuple[str, str]]:
    """Every category as "level 1 / level 2 / level 3"."""
    rows = Category.objects.order_by("path")
    if active_only:
        rows = rows.filter(active=True)
    names: dict[str, str] = {}
    choices: list[tuple[str, str]] = []
    for pk, name, path, depth in rows.values_list("pk", "name", "path", "depth"):
        steplen = len(path) // depth if depth else len(path)
        parent = names.get(path[: steplen * (depth - 1)], "")
        label = f"{parent} / {name}" if parent else name
        names[path] = label
        choices.append((str(pk), label))
    return choices


def division_choices(*, min_level: int = Division.Level.CITY) -> list[tuple[str, str]]:
    """Divisions from the city down, indented by level."""
    rows = Division.objects.filter(level__gte=min_level).order_by("path").values_list("pk", "name", "level")
    return [(str(pk), INDENT * max(level - min_level, 0) + name) for pk, name, level in rows]


class TreeChoiceField(forms.ChoiceField):
    """A choice of one row of ``model`` from a labelled list; cleans to the instance (or None)."""

    def __init__(self, *, model: type[Model], choices_fn: Any, **kwargs: Any) -> None:
        self.model = model
        super().__init__(choices=choices_fn, **kwargs)

    def clean(self, value: Any) -> Any:
        key = super().clean(value)
        if key in ("", None):
            return None
        found = self.model._default_manager.filter(pk=key).first()
        if found is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found


class TreeMultipleChoiceField(forms.MultipleChoiceField):
    def __init__(self, *, model: type[Model], choices_fn: Any, **kwargs: Any) -> None:
        self.model = model
        super().__init__(choices=choices_fn, **kwargs)

    def clean(self, value: Any) -> Any:
        keys = super().clean(value)
        if not keys:
            return []
        found = {str(obj.pk): obj for obj in self.model._default_manager.filter(pk__in=keys)}
        return [found[key] for key in keys if key in found]
