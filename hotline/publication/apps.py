from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationConfig(AppConfig):
    name = "hotline.publication"
    label = "publication"
    verbose_name = _("Publication")

    def ready(self) -> None:
        from hotline.core import navigation
        from hotline.core.navigation import NavItem
        from hotline.workorders import services as wo

        from . import listeners
        from .services import PUBLICATION_ROLES

        if listeners.on_event not in wo.event_listeners:
            wo.event_listeners.append(listeners.on_event)
        navigation.register(
            NavItem("publication", _("Publication"), "publication:manage", roles=PUBLICATION_ROLES, order=73)
        )
