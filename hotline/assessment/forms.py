"""Forms of the assessment pages. They parse input only; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DocumentTemplate, Indicator, Scheme
from .presets import PRESETS
from .services import IndicatorInput


class SchemeCreateForm(forms.Form):
    code = forms.SlugField(label=_("code"), max_length=40, help_text=_("lower-case letters, digits and _"))
    name = forms.CharField(label=_("name"), max_length=100)
    source = forms.ChoiceField(label=_("start from"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [("", str(_("an empty scheme")))]
        choices += [
            (f"preset:{code}", f"{_('preset')}: {preset['name']}") for code, preset in PRESETS.items()
        ]
        choices += [(f"copy:{s.code}", f"{_('copy of')} {s.name}") for s in Scheme.objects.order_by("name")]
        source = self.fields["source"]
        assert isinstance(source, forms.ChoiceField)
        source.choices = choices


class SchemeForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    active = forms.BooleanField(label=_("active"), required=False)
    exempt_accepted_returns = forms.BooleanField(label=_("accepted returns are exempt"), required=False)
    exempt_approved_extensions = forms.BooleanField(label=_("approved extensions are exempt"), required=False)
    min_orders = forms.IntegerField(
        label=_("minimum assignments to be ranked"), min_value=0, max_value=100000
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class IndicatorForm(forms.Form):
    code = forms.SlugField(label=_("code"), max_length=40)
    name = forms.CharField(label=_("name"), max_length=60)
    kind = forms.ChoiceField(label=_("kind"), choices=Indicator.Kind.choices, initial=Indicator.Kind.WEIGHTED)
    formula = forms.CharField(label=_("value formula"), max_length=500)
    score_formula = forms.CharField(label=_("score formula"), max_length=500, required=False, initial="value")
    weight = forms.DecimalField(
        label=_("weight"), min_value=0, max_value=1000, decimal_places=2, required=False
    )
    unit_label = forms.CharField(label=_("unit of the value"), max_length=10, required=False, initial="%")
    higher_is_better = forms.BooleanField(label=_("higher is better"), required=False, initial=True)
    description = forms.CharField(label=_("description"), required=False, max_length=1000)

    def as_input(self) -> IndicatorInput:
        data = self.cleaned_data
        return IndicatorInput(
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            formula=data["formula"],
            score_formula=data.get("score_formula") or "value",
            weight=data.get("weight") or 0,
            unit_label=data.get("unit_label") or "",
            higher_is_better=bool(data.get("higher_is_better")),
            description=data.get("description") or "",
        )


IndicatorFormSet = forms.formset_factory(
    IndicatorForm, extra=1, can_delete=True, max_num=40, validate_max=True
)


def indicator_initial(scheme: Scheme) -> list[dict[str, Any]]:
    return [
        {
            "code": i.code,
            "name": i.name,
            "kind": i.kind,
            "formula": i.formula,
            "score_formula": i.score_formula,
            "weight": i.weight,
            "unit_label": i.unit_label,
            "higher_is_better": i.higher_is_better,
            "description": i.description,
        }
        for i in scheme.indicators.order_by("sort", "pk")
    ]


class TemplateUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=DocumentTemplate.Kind.choices)
    file = forms.FileField(label=_("Word template (.docx)"))
    note = forms.CharField(label=_("note"), max_length=200, required=False)
