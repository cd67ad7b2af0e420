"""Forms of the callback pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.workorders.models import Satisfaction

from .models import CallbackExemption

SOLVED_CHOICES = [("yes", _("solved")), ("no", _("not solved"))]


class PhoneResultForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    solved = forms.ChoiceField(label=_("Solved"), choices=SOLVED_CHOICES, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("What the caller said"), required=False, max_length=2000)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CloseForm(forms.Form):
    comment = forms.CharField(label=_("Note"), required=False, max_length=2000)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ExemptionForm(forms.Form):
    code = forms.SlugField(label=_("Reason code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=100)
    match = forms.ChoiceField(label=_("Applies to"), choices=CallbackExemption.Match.choices)
    value = forms.CharField(
        label=_("Value"),
        max_length=64,
        required=False,
        help_text=_("A request type (e.g. praise), a category code or a channel code, where needed."),
    )
