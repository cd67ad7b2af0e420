"""What the channels keep: message templates and the outbound queue, inbound messages, calls and the
merged hotlines they came by, partner systems with their references and webhook deliveries, and the
first response each order got on its channel."""

from .calls import Call, MergedHotline
from .messages import InboundMessage, MailboxCursor, MessageTemplate, OutboundMessage
from .partners import Partner, PartnerReference, WebhookDelivery
from .responses import FirstResponse

__all__ = [
    "Call",
    "FirstResponse",
    "InboundMessage",
    "MailboxCursor",
    "MergedHotline",
    "MessageTemplate",
    "OutboundMessage",
    "Partner",
    "PartnerReference",
    "WebhookDelivery",
]
