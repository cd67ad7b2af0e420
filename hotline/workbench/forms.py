"""Forms of the workbenches: the agent's intake form and the dispatcher's bulk dispatch."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.directory.models import Division, Unit
from hotline.taxonomy.models import Category, Channel, RejectionReason, RequestType, Urgency
from hotline.taxonomy.reference import EMERGENCY_SERVICES

from .choices import (
    TreeChoiceField,
    TreeMultipleChoiceField,
    category_choices,
    division_choices,
    unit_choices,
)

PHONE_RE = re.compile(r"^\+?[0-9]{3,20}$")


def clean_phone(value: str) -> str:
    """Digits (and a leading +) only: spaces, dashes and brackets people type are dropped."""
    phone = re.sub(r"[\s\-()（）]", "", value or "")
    if phone and not PHONE_RE.match(phone):
        raise forms.ValidationError(_("Enter a phone number of digits only."), code="invalid_phone")
    return phone


class IntakeForm(forms.Form):
    """The agent's form while on the phone. ``finish`` is the button pressed: to dispatch, direct answer,
    reject, or an emergency transfer."""

    FINISH_CHOICES = [
        ("dispatch", _("To dispatch")),
        ("answer", _("Direct answer")),
        ("reject", _("Reject")),
        *[(f"transfer:{code}", label) for code, label in EMERGENCY_SERVICES],
    ]

    caller_phone = forms.CharField(
        label=_("Caller phone"),
        max_length=24,
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "tel",
                "autocomplete": "off",
                "inputmode": "tel",
                "data-shortcut": "p",
                "data-autofocus": "",
            }
        ),
    )
    caller_name = forms.CharField(label=_("Caller name"), max_length=50, required=False)
    caller_company = forms.CharField(label=_("Company"), max_length=100, required=False)
    confidential = forms.BooleanField(
        label=_("Confidential (保密): never disclose the caller to the units"), required=False
    )
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    call_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # the number the caller dialled (a merged hotline such as 12315), from the telephony event
    hotline_number = forms.RegexField(
        regex=r"^\d{3,20}$", required=False, max_length=20, widget=forms.HiddenInput
    )
    merge_into = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    knowledge_ref = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    channel = forms.ModelChoiceField(
        label=_("Channel"),
        queryset=Channel.objects.filter(active=True),
        to_field_name="code",
        empty_label=None,
    )
    request_type = forms.ChoiceField(
        label=_("Type"), choices=RequestType.choices, initial=RequestType.CONSULT
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, widget=forms.TextInput(attrs={"data-shortcut": "t"})
    )
    content = forms.CharField(
        label=_("Content"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "data-shortcut": "c"}),
    )
    category = TreeChoiceField(
        label=_("Category"),
        model=Category,
        choices_fn=lambda: [("", "—"), *category_choices()],
        required=False,
    )
    division = TreeChoiceField(
        label=_("Division"),
        model=Division,
        choices_fn=lambda: [("", "—"), *division_choices()],
        required=False,
    )
    location_text = forms.CharField(
        label=_("Location"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"data-shortcut": "l"}),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    publish_consent = forms.BooleanField(
        label=_("May be published (anonymised)"), required=False, initial=True
    )

    answer = forms.CharField(
        label=_("Answer given to the caller"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.ModelChoiceField(
        label=_("Rejection reason"),
        queryset=RejectionReason.objects.filter(active=True, transfer=False),
        to_field_name="code",
        required=False,
        empty_label="—",
    )
    reject_comment = forms.CharField(label=_("Comment"), max_length=2000, required=False)
    finish = forms.ChoiceField(choices=FINISH_CHOICES, widget=forms.HiddenInput)

    def clean_caller_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("caller_phone", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        finish = data.get("finish") or ""
        if finish.startswith("transfer:"):
            finish, data["transfer_to"] = "transfer", finish.split(":", 1)[1]
            data["finish"] = finish
        if finish != "transfer":
            if not (data.get("title") or "").strip():
                self.add_error("title", _("A title is required."))
            if not (data.get("content") or "").strip():
                self.add_error("content", _("The content of the request is required."))
        if finish == "answer" and not (data.get("answer") or "").strip():
            self.add_error("answer", _("Write the answer given to the caller."))
        if finish == "reject" and data.get("reason") is None:
            self.add_error("reason", _("Choose a rejection reason."))
        if data.get("anonymous") and data.get("caller_phone"):
            # An anonymous caller leaves no phone on the order; the intake service drops it too.
            data["caller_phone"] = ""
        return data


class BulkDispatchForm(forms.Form):
    orders = forms.MultipleChoiceField(choices=(), widget=forms.CheckboxSelectMultiple)
    lead = TreeChoiceField(label=_("Lead unit"), model=Unit, choices_fn=lambda: [("", "—"), *unit_choices()])
    assists = TreeMultipleChoiceField(
        label=_("Assisting units"), model=Unit, choices_fn=unit_choices, required=False
    )
    instructions = forms.CharField(
        label=_("Dispatch instructions"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, numbers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orders = self.fields["orders"]
        assert isinstance(orders, forms.MultipleChoiceField)
        orders.choices = [(n, n) for n in numbers]


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
