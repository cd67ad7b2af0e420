"""Writes of smart dispatch, by what they change: the catalogue, the gazetteer, the category model, and what
the router does after intake. Import them from here: ``from hotline.routing import services``."""

from __future__ import annotations

from .catalogue import (
    RuleInput,
    catalogue_export,
    catalogue_import,
    catalogue_rule_retire,
    catalogue_rule_save,
)
from .dispatch import record_evidence, route_order
from .gazetteer import gazetteer_import, place_save
from .models import (
    Examples,
    examples_from_rows,
    model_activate,
    model_deactivate,
    model_evaluate,
    model_train,
)

__all__ = [
    "Examples",
    "RuleInput",
    "catalogue_export",
    "catalogue_import",
    "catalogue_rule_retire",
    "catalogue_rule_save",
    "examples_from_rows",
    "gazetteer_import",
    "model_activate",
    "model_deactivate",
    "model_evaluate",
    "model_train",
    "place_save",
    "record_evidence",
    "route_order",
]
