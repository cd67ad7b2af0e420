from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "hotline.routing"
    label = "routing"
    verbose_name = _("Smart dispatch")

    def ready(self) -> None:
        from hotline.core import panels
        from hotline.directory.models import CENTER_ROLES
        from hotline.text import segment
        from hotline.workorders import services as wo

        from .listeners import on_event

        panels.register(
            panels.Panel(
                "routing_suggest", "intake", _("Smart dispatch"), "routing:panel_suggest", CENTER_ROLES, 10
            ),
            panels.Panel(
                "routing_similar",
                "intake",
                _("Similar open orders"),
                "routing:panel_similar",
                CENTER_ROLES,
                20,
            ),
            panels.Panel("routing_caller", "intake", _("Caller"), "routing:panel_caller", CENTER_ROLES, 15),
            panels.Panel(
                "routing_dispatch",
                "dispatch",
                _("Suggested units"),
                "routing:panel_dispatch",
                CENTER_ROLES,
                10,
            ),
        )
        if on_event not in wo.event_listeners:
            wo.event_listeners.append(on_event)
        if _place_names not in segment.term_sources:
            segment.term_sources.append(_place_names)


def _place_names() -> list[str]:
    from .models import Place

    names: list[str] = []
    for place in Place.objects.filter(active=True).only("name", "aliases"):
        names.extend(place.names())
    return names
