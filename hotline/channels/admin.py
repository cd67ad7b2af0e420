"""Admin for the channels: the message templates (editable by admins, checked to render before they are
saved), merged hotlines, partner systems, and read-only logs of messages, calls and deliveries."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hotline.core.clock import now
from hotline.core.errors import ValidationFailed

from .models import (
    Call,
    InboundMessage,
    MergedHotline,
    MessageTemplate,
    OutboundMessage,
    Partner,
    WebhookDelivery,
)
from .services.outbound import render


class MessageTemplateForm(forms.ModelForm[MessageTemplate]):
    class Meta:
        model = MessageTemplate
        fields = ["name", "subject", "body", "variables", "active"]

    def clean_body(self) -> str:
        body = str(self.cleaned_data["body"])
        try:
            sample = render(
                body,
                {
                    name.strip(): f"<{name.strip()}>"
                    for name in self.data.get("variables", "").split(",")
                    if name.strip()
                },
            )
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from exc
        if len(sample) > 500:
            raise forms.ValidationError(_("The text is longer than 500 characters once filled in."))
        return body


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin[MessageTemplate]):
    form = MessageTemplateForm
    list_display = ["code", "name", "body", "active", "updated_at"]
    list_filter = ["active"]
    search_fields = ["code", "name", "body"]
    readonly_fields = ["code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # codes are a contract between apps; the seeded ones are edited, not invented

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: MessageTemplate, form: Any, change: bool) -> None:
        obj.updated_at = now()
        super().save_model(request, obj, form, change)


@admin.register(MergedHotline)
class MergedHotlineAdmin(admin.ModelAdmin[MergedHotline]):
    list_display = ["number", "name", "mode", "default_category", "default_unit", "active"]
    list_filter = ["mode", "active"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin[Partner]):
    list_display = ["code", "name", "channel", "webhook_url", "active", "created_at"]
    readonly_fields = ["account", "secret", "created_at"]
    list_filter = ["active"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # `hotline partner create` makes the account and its token


class ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnly):
    list_display = ["created_at", "kind", "to", "template", "state", "attempts", "sent_at"]
    list_filter = ["kind", "state", "template"]
    search_fields = ["to", "body", "order__number"]


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnly):
    list_display = ["received_at", "kind", "sender", "outcome", "order"]
    list_filter = ["kind", "outcome"]
    search_fields = ["sender", "text", "order__number"]


@admin.register(Call)
class CallAdmin(ReadOnly):
    list_display = [
        "rang_at",
        "call_id",
        "caller",
        "dialled",
        "state",
        "agent",
        "duration_seconds",
        "callback",
    ]
    list_filter = ["state", "callback"]
    search_fields = ["call_id", "caller"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnly):
    list_display = ["created_at", "partner", "event", "state", "attempts", "response_status", "delivered_at"]
    list_filter = ["state", "partner"]
