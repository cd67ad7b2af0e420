from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "hotline.analytics"
    label = "analytics"
    verbose_name = _("Analysis")

    def ready(self) -> None:
        from hotline.core import navigation
        from hotline.core.navigation import NavItem
        from hotline.directory.models import CENTER_ROLES
        from hotline.workorders import services as wo

        from . import listeners

        if listeners.on_event not in wo.event_listeners:
            wo.event_listeners.append(listeners.on_event)
        navigation.register(
            NavItem("analytics", _("Dashboards"), "analytics:dashboard", roles=CENTER_ROLES, order=70),
            NavItem("hotspots", _("Hot issues"), "analytics:hotspots", roles=CENTER_ROLES, order=71),
            NavItem("themes", _("Monthly themes"), "analytics:themes", roles=None, order=72),
        )
