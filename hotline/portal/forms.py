"""The citizen's forms: submit a request, find it again by number and query code, rate the handling."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from hotline.directory.models import Division
from hotline.taxonomy.models import Category, RequestType
from hotline.workbench.choices import TreeChoiceField, category_choices, division_choices
from hotline.workbench.forms import clean_phone
from hotline.workorders.forms import MultipleFileField
from hotline.workorders.models import Satisfaction

from . import conf

_SIGNER_SALT = "hotline.portal.submit"
# What a citizen may choose; "other" is left to the center.
CITIZEN_TYPES = [(code, label) for code, label in RequestType.choices if code != RequestType.OTHER]


def form_token(now: float | None = None) -> str:
    """A signed note of when the form was served (the minimum fill time is checked against it)."""
    return signing.dumps(int(now if now is not None else time.time()), salt=_SIGNER_SALT)


def _top_categories() -> list[tuple[str, StrOrPromise]]:
    # Citizens choose among the first two levels; the center refines.
    return [("", _("— not sure —"))] + [
        (pk, label) for pk, label in category_choices() if label.count(" / ") <= 1
    ]


def _divisions() -> list[tuple[str, StrOrPromise]]:
    return [("", _("— choose —")), *division_choices(min_level=Division.Level.DISTRICT)]


class SubmitForm(forms.Form):
    request_type = forms.ChoiceField(
        label=_("What kind of request"), choices=CITIZEN_TYPES, initial="consult"
    )
    title = forms.CharField(label=_("Subject"), max_length=100, help_text=_("In a few words."))
    content = forms.CharField(
        label=_("Your request"),
        max_length=5000,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("What happened, where and since when, and what you would like done."),
    )
    category = TreeChoiceField(label=_("Topic"), model=Category, choices_fn=_top_categories, required=False)
    division = TreeChoiceField(
        label=_("District / street"), model=Division, choices_fn=_divisions, required=False
    )
    location_text = forms.CharField(label=_("Address or place"), max_length=200, required=False)
    name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("For the callback on how your request was handled. Required unless anonymous."),
    )
    confidential = forms.BooleanField(
        label=_("Keep my identity confidential (the handling unit will not see my name or phone)"),
        required=False,
    )
    anonymous = forms.BooleanField(
        label=_("Submit anonymously (no callback; track it with the number and code only)"), required=False
    )
    publish_consent = forms.BooleanField(
        label=_("The anonymised request and reply may be published as an example"),
        required=False,
        initial=True,
    )
    attachments = MultipleFileField(
        label=_("Photos or documents"),
        required=False,
        help_text=_("Optional: pictures, PDF or Office documents, up to 10 MB each."),
    )
    # Abuse resistance without a CAPTCHA: a field people do not see, and the time the form was served.
    website = forms.CharField(required=False, label=_("Leave this empty"))
    started = forms.CharField(widget=forms.HiddenInput)

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError(_("The form could not be accepted."), code="bot")
        try:
            started = signing.loads(
                data.get("started", ""), salt=_SIGNER_SALT, max_age=conf.max_form_age_seconds()
            )
        except signing.BadSignature:
            raise forms.ValidationError(
                _("The form has expired. Please copy your text, reload the page and submit again."),
                code="stale",
            ) from None
        elapsed = time.time() - int(started)
        if elapsed > conf.max_form_age_seconds():
            raise forms.ValidationError(
                _("The form has expired. Please copy your text, reload the page and submit again."),
                code="stale",
            )
        if elapsed < conf.min_fill_seconds():
            raise forms.ValidationError(
                _("That was faster than a person can type. Please check the form and submit again."),
                code="fast",
            )
        if not data.get("anonymous") and not data.get("phone"):
            self.add_error("phone", _("Give a phone number for the callback, or submit anonymously."))
        if data.get("anonymous"):
            data["phone"] = ""
            data["name"] = ""
        return data


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("Order number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    code = forms.CharField(
        label=_("Query code"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_number(self) -> str:
        return "".join((self.cleaned_data.get("number") or "").split())

    def clean_code(self) -> str:
        return "".join((self.cleaned_data.get("code") or "").split()).upper()


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("How satisfied are you with the handling?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    solved = forms.TypedChoiceField(
        label=_("Was your problem solved?"),
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything you want to add"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
