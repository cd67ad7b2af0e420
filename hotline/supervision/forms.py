"""Forms of the supervision pages: the order panel's actions and the rule editor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.directory.models import Unit

from .models import Level, StaffFlag, SupervisionRule
from .rules import RuleSpec

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class _UnitForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Unit"), required=False)

    def __init__(self, *args: Any, units: list[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Unit.objects.filter(pk__in=[u.pk for u in units or []]).order_by("code")
        field.empty_label = str(_("the lead unit"))


class RemindForm(_UnitForm):
    text = forms.CharField(
        label=_("Reminder"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Left empty, a standard reminder is sent."),
    )


class SuperviseForm(_UnitForm):
    text = forms.CharField(
        label=_("Supervision notice"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    respond_by = forms.DateTimeField(
        label=_("Written response by"),
        required=False,
        widget=DATETIME_INPUT,
        input_formats=["%Y-%m-%dT%H:%M"],
        help_text=_("Left empty, the response limit of the rules applies."),
    )


class EscalateForm(forms.Form):
    notice = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Escalation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Left empty, a standard text is used."),
    )


class RespondForm(forms.Form):
    notice = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Written response"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FlagForm(forms.Form):
    kind = forms.ChoiceField(label=_("Flag"), choices=StaffFlag.Kind.choices)
    note = forms.CharField(
        label=_("What happened"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    source = forms.CharField(label=_("Source"), max_length=200, required=False)


class RuleForm(forms.Form):
    """A rule's settings; one number field per threshold the rule takes."""

    active = forms.BooleanField(label=_("Active"), required=False)
    level = forms.ChoiceField(label=_("First level"), choices=Level.choices)
    respond_within = forms.CharField(
        label=_("Response limit"), max_length=10, help_text=_("e.g. 2wd (working days), 8wh, 24h")
    )
    escalate_after = forms.CharField(
        label=_("Escalate an unheeded reminder after"),
        max_length=10,
        required=False,
        help_text=_("Empty: a reminder is never escalated by itself."),
    )

    def __init__(self, *args: Any, spec: RuleSpec, rule: SupervisionRule, **kwargs: Any) -> None:
        initial = {
            "active": rule.active,
            "level": rule.level,
            "respond_within": rule.respond_within,
            "escalate_after": rule.escalate_after,
            **{f"t_{t.name}": (rule.thresholds or {}).get(t.name, t.default) for t in spec.thresholds},
        }
        kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.spec = spec
        for threshold in spec.thresholds:
            self.fields[f"t_{threshold.name}"] = forms.IntegerField(
                label=threshold.label, min_value=threshold.minimum, max_value=threshold.maximum
            )

    def thresholds(self) -> dict[str, Any]:
        return {t.name: self.cleaned_data[f"t_{t.name}"] for t in self.spec.thresholds}
