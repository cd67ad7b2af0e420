"""Forms of the knowledge-base pages: they parse input into ``EntryInput`` and search filters; the
services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline.core.errors import ValidationFailed
from hotline.directory.models import Division, Unit
from hotline.taxonomy.models import Category

from .models import EntryVersion, ReportKind, Visibility
from .selectors import SearchFilters
from .services import EntryInput


class CategoryChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return "　" * (obj.depth - 1) + obj.name


class DivisionChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return "　" * max(obj.depth - 2, 0) + obj.name


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def categories() -> Any:
    return Category.objects.filter(active=True).order_by("path")


def units() -> Any:
    return Unit.objects.filter(active=True).order_by("path")


def divisions() -> Any:
    return Division.objects.filter(level__lte=Division.Level.STREET).order_by("path")


class EntryForm(forms.Form):
    question = forms.CharField(
        label=_("Question"),
        max_length=300,
        help_text=_("As callers ask it, e.g. 公积金怎么提取？"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    answer = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 12, "data-rich-editor": "1"}),
        help_text=_(
            "What the agent tells the caller. Links and lists are kept; other formatting is removed."
        ),
    )
    keywords = forms.CharField(label=_("Keywords"), required=False, help_text=_("Comma separated"))
    synonyms = forms.CharField(
        label=_("Synonyms"),
        required=False,
        help_text=_("Other ways callers say it (公积金提现, 取公积金), comma separated"),
    )
    category = CategoryChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    owner_units = forms.ModelMultipleChoiceField(
        label=_("Owning units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    divisions = DivisionChoiceField(
        label=_("Applicable divisions"),
        queryset=Division.objects.none(),
        required=False,
        help_text=_("Leave empty when the answer holds for the whole city."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    effective_from = forms.DateField(
        label=_("Effective from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    review_cycle_days = forms.IntegerField(
        label=_("Review cycle (days)"), min_value=0, max_value=3650, required=False
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Visibility.choices,
        initial=Visibility.INTERNAL,
        widget=forms.RadioSelect,
    )
    new_files = MultipleFileField(label=_("Add attachments"), required=False)
    remove_attachments = forms.TypedMultipleChoiceField(
        label=_("Remove attachments"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
    )
    note = forms.CharField(label=_("Change note"), max_length=300, required=False)
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, version: EntryVersion | None = None, **kwargs: Any) -> None:
        if version is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "question": version.question,
                "answer": version.answer_html,
                "keywords": version.keywords,
                "synonyms": version.synonyms,
                "category": version.category_id,
                "owner_units": list(version.owner_units.values_list("pk", flat=True)),
                "divisions": list(version.divisions.values_list("pk", flat=True)),
                "effective_from": version.effective_from,
                "expires_on": version.expires_on,
                "review_cycle_days": version.review_cycle_days,
                "visibility": version.visibility,
                "expected_version": version.number,
            }
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories()  # type: ignore[attr-defined]
        self.fields["owner_units"].queryset = units()  # type: ignore[attr-defined]
        self.fields["divisions"].queryset = divisions()  # type: ignore[attr-defined]
        attachments = version.attachments if version is not None else []
        self.fields["remove_attachments"].choices = [(a["id"], a["name"]) for a in attachments]  # type: ignore[attr-defined]
        if not attachments:
            del self.fields["remove_attachments"]

    def to_input(self) -> EntryInput:
        data = self.cleaned_data
        return EntryInput(
            question=data["question"],
            answer=data["answer"],
            keywords=data.get("keywords") or "",
            synonyms=data.get("synonyms") or "",
            category=data.get("category"),
            owner_units=list(data.get("owner_units") or []),
            divisions=list(data.get("divisions") or []),
            effective_from=data.get("effective_from"),
            expires_on=data.get("expires_on"),
            review_cycle_days=data.get("review_cycle_days"),
            visibility=data["visibility"],
            note=data.get("note") or "",
            files=data.get("new_files") or [],
            remove_attachments=data.get("remove_attachments") or [],
        )

    def add_service_error(self, error: ValidationFailed) -> None:
        fields = error.details if isinstance(error.details, dict) else {}
        placed = False
        for name, message in fields.items():
            if name in self.fields and isinstance(message, str):
                self.add_error(name, message)
                placed = True
        if not placed:
            self.add_error(None, error.message)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = CategoryChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    unit = forms.ModelChoiceField(label=_("Owning unit"), queryset=Unit.objects.none(), required=False)
    division = forms.ModelChoiceField(label=_("Division"), queryset=Division.objects.none(), required=False)
    visibility = forms.ChoiceField(
        label=_("Visibility"), required=False, choices=[("", _("all")), *Visibility.choices]
    )
    include_expired = forms.BooleanField(label=_("Include expired"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories()  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units()  # type: ignore[attr-defined]
        self.fields["division"].queryset = divisions()  # type: ignore[attr-defined]

    def filters(self) -> SearchFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return SearchFilters(
            category=data.get("category"),
            unit=data.get("unit"),
            division=data.get("division"),
            visibility=data.get("visibility") or "",
            include_expired=bool(data.get("include_expired")),
        )


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Problem"), choices=ReportKind.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("What is wrong"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    order = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("XLSX file"))
    publish = forms.BooleanField(label=_("Publish the imported entries at once"), required=False)
