"""Forms of the briefing pages (input parsing only; the services validate and write)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Briefing


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Briefing.Kind.choices)
    day = forms.DateField(
        label=_("covering the day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("the week, ten days or month that contains this day"),
    )


class CaseForm(forms.Form):
    number = forms.CharField(label=_("order number"), max_length=20)
    headline = forms.CharField(label=_("headline"), max_length=100)
    summary = forms.CharField(label=_("write-up"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    date = forms.DateField(
        label=_("for the briefings covering"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("today if left empty"),
    )
