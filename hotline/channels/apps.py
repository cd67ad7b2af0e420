from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "hotline.channels"
    label = "channels"
    verbose_name = _("Channels")

    def ready(self) -> None:
        from hotline.core import navigation, panels
        from hotline.directory.models import CENTER_ROLES, Role
        from hotline.workorders import services as wo

        from .listeners import on_event

        if on_event not in wo.event_listeners:
            wo.event_listeners.append(on_event)
        agents = frozenset({Role.AGENT, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN})
        navigation.register(
            navigation.NavItem(
                "missed_calls", _("Missed calls"), "channels:missed_calls", roles=agents, order=25
            ),
            navigation.NavItem(
                "channel_responses",
                _("Channel response times"),
                "channels:response_report",
                roles=CENTER_ROLES,
                order=75,
            ),
        )
        panels.register(
            panels.Panel(
                "channels_call", "intake", _("Incoming call"), "channels:panel_call", roles=agents, order=5
            ),
            panels.Panel(
                "channels_hotline",
                "dispatch",
                _("Merged hotline"),
                "channels:panel_hotline",
                roles=CENTER_ROLES,
                order=50,
            ),
            panels.Panel("channels_order", "order", _("Channel"), "channels:panel_order", order=60),
        )
