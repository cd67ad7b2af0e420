from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "hotline.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from hotline.core import navigation, panels
        from hotline.directory.models import CENTER_ROLES, UNIT_ROLES, Role

        navigation.register(
            navigation.NavItem(
                "supervision",
                _("Supervision"),
                "supervision:home",
                roles=frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN}),
                order=50,
            ),
            navigation.NavItem(
                "supervision-notices",
                _("Supervision notices"),
                "supervision:unit_notices",
                roles=UNIT_ROLES,
                order=55,
            ),
            navigation.NavItem(
                "supervision-rules",
                _("Supervision rules"),
                "supervision:rules",
                roles=frozenset({Role.SUPERVISOR, Role.ADMIN}),
                order=910,
            ),
        )
        panels.register(
            panels.Panel(
                "supervision",
                "order",
                _("Supervision and callback"),
                "supervision:panel_order",
                roles=CENTER_ROLES | UNIT_ROLES,
                order=20,
            )
        )
