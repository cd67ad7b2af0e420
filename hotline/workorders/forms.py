"""The action forms of the order page. Each parses one action's input; the view calls the service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from hotline.core.clock import now as clock_now
from hotline.core.uploads import max_files
from hotline.directory.models import Division, Unit
from hotline.taxonomy.models import Category, RejectionReason, RequestType, Urgency
from hotline.taxonomy.reference import EMERGENCY_SERVICES
from hotline.workbench.choices import (
    TreeChoiceField,
    TreeMultipleChoiceField,
    category_choices,
    division_choices,
    unit_choices,
)

from .models import Satisfaction

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _blank(label: str = "—") -> list[tuple[str, str]]:
    return [("", label)]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by ``hotline.core.uploads`` in the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > max_files():
            raise forms.ValidationError(
                _("At most %(n)d files at once.") % {"n": max_files()}, code="too_many_files"
            )
        return files


MAX_DEADLINE_DAYS = 366


class FutureDateTimeField(forms.DateTimeField):
    """A deadline: in the future and within a year (the working-time clock counts day by day)."""

    def clean(self, value: Any) -> Any:
        moment = super().clean(value)
        if moment is None:
            return moment
        now = clock_now()
        if moment <= now:
            raise forms.ValidationError(_("Choose a time in the future."), code="past")
        if moment > now + dt.timedelta(days=MAX_DEADLINE_DAYS):
            raise forms.ValidationError(_("Choose a time within a year."), code="too_far")
        return moment


def datetime_field(label: Any, **kwargs: Any) -> forms.DateTimeField:
    return FutureDateTimeField(
        label=label,
        input_formats=[DATETIME_FORMAT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        **kwargs,
    )


def text_area(rows: int = 3, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


class ActionForm(forms.Form):
    """Every action carries the order's version: two people acting at once cannot both succeed."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class AcceptForm(ActionForm):
    pass


class SignForm(ActionForm):
    pass


class AnswerForm(ActionForm):
    answer = forms.CharField(label=_("Answer given to the caller"), max_length=5000, widget=text_area(4))
    knowledge_ref = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class RejectForm(ActionForm):
    reason = forms.ModelChoiceField(
        label=_("Rejection reason"),
        queryset=RejectionReason.objects.filter(active=True),
        to_field_name="code",
        empty_label="—",
    )
    transfer_to = forms.ChoiceField(
        label=_("Transferred to"),
        choices=_blank() + [(code, code) for code, _label in EMERGENCY_SERVICES],
        required=False,
        help_text=_("Emergencies are transferred at once to 110, 119, 120 or 122."),
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000, widget=text_area(2))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reason = data.get("reason")
        if reason is not None and reason.transfer and not data.get("transfer_to"):
            self.add_error("transfer_to", _("Choose the emergency service the caller was transferred to."))
        return data


class MergeForm(ActionForm):
    master = forms.CharField(
        label=_("Master order number"), max_length=20, help_text=_("The open order about the same matter.")
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000, widget=text_area(2))


class UpdateForm(ActionForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    request_type = forms.ChoiceField(label=_("Type"), choices=RequestType.choices)
    category = TreeChoiceField(
        label=_("Category"), model=Category, choices_fn=lambda: _blank() + category_choices(), required=False
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    division = TreeChoiceField(
        label=_("Division"), model=Division, choices_fn=lambda: _blank() + division_choices(), required=False
    )
    location_text = forms.CharField(label=_("Location"), max_length=300, required=False)
    publish_consent = forms.BooleanField(label=_("May be published (anonymised)"), required=False)
    comment = forms.CharField(label=_("Why the correction"), required=False, max_length=2000)

    FIELDS = ("title", "request_type", "category", "urgency", "division", "location_text", "publish_consent")


class DispatchForm(ActionForm):
    lead = TreeChoiceField(label=_("Lead unit"), model=Unit, choices_fn=lambda: _blank() + unit_choices())
    assists = TreeMultipleChoiceField(
        label=_("Assisting units"),
        model=Unit,
        choices_fn=unit_choices,
        required=False,
        help_text=_(
            "Optional; hold Ctrl to choose several. Each assisting unit contributes before the lead unit replies."
        ),
    )
    instructions = forms.CharField(
        label=_("Dispatch instructions"), required=False, max_length=2000, widget=text_area(2)
    )


class EscalateForm(ActionForm):
    comment = forms.CharField(label=_("Why it needs a leader"), max_length=2000, widget=text_area(2))


class InstructForm(ActionForm):
    instruction = forms.CharField(label=_("Instruction"), max_length=4000, widget=text_area(3))


class RuleReturnForm(ActionForm):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept the return")), ("reject", _("Reject the return"))],
        widget=forms.HiddenInput,
    )
    comment = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=text_area(2),
        help_text=_("Required when the return is rejected: say why it is the unit's duty."),
    )


class ReviewReplyForm(ActionForm):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept the reply")), ("send_back", _("Send back for rework"))],
        widget=forms.HiddenInput,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=text_area(2),
        help_text=_("Required when sending back: say what must be reworked."),
    )


class DecideExtensionForm(ActionForm):
    request = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))], widget=forms.HiddenInput
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


YES_NO = [("yes", _("yes")), ("no", _("no"))]


class CallbackForm(ActionForm):
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    solved = forms.TypedChoiceField(
        label=_("Solved"), choices=YES_NO, coerce=lambda v: v == "yes", widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("What the caller said"), required=False, max_length=2000, widget=text_area(2)
    )


class CloseForm(ActionForm):
    reason = forms.ChoiceField(
        label=_("Why without a callback"),
        choices=[
            ("unreachable", _("caller could not be reached")),
            ("declined", _("caller declined the callback")),
            ("other", _("other")),
        ],
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


class ReopenForm(ActionForm):
    comment = forms.CharField(label=_("What must be redone"), max_length=2000, widget=text_area(2))


class NoteForm(ActionForm):
    text = forms.CharField(label=_("Progress note"), max_length=4000, widget=text_area(3))
    public = forms.BooleanField(
        label=_("Tell the caller (shown on the portal)"), required=False, initial=True
    )


class AttachForm(ActionForm):
    attachments = MultipleFileField(label=_("Files"))
    public = forms.BooleanField(label=_("The caller may see them"), required=False, initial=True)


class ReturnForm(ActionForm):
    reason = forms.CharField(label=_("Why it is not your unit's duty"), max_length=2000, widget=text_area(2))


class ExtensionRequestForm(ActionForm):
    until = datetime_field(_("New deadline"))
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=text_area(2))


class ContributeForm(ActionForm):
    text = forms.CharField(label=_("Your unit's contribution"), max_length=8000, widget=text_area(4))


class CommitForm(ActionForm):
    text = forms.CharField(label=_("Present state"), max_length=4000, widget=text_area(3))
    until = datetime_field(_("Committed completion date"))


class ReplyForm(ActionForm):
    text = forms.CharField(label=_("Reply to the caller"), max_length=8000, widget=text_area(6))
    solved = forms.TypedChoiceField(
        label=_("Solved"), choices=YES_NO, coerce=lambda v: v == "yes", widget=forms.RadioSelect
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    public_files = forms.BooleanField(
        label=_("The caller may see the attachments"), required=False, initial=True
    )
