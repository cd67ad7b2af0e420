from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    name = "hotline.workbench"
    label = "workbench"
    verbose_name = _("Workbenches")

    def ready(self) -> None:
        from hotline.core import navigation
        from hotline.core.navigation import NavItem
        from hotline.directory.models import CENTER_ROLES, UNIT_ROLES, Role

        navigation.register(
            NavItem("agent", _("Agent console"), "workbench:agent", roles=frozenset({Role.AGENT}), order=10),
            NavItem(
                "dispatch", _("Dispatch"), "workbench:dispatch", roles=frozenset({Role.DISPATCHER}), order=20
            ),
            NavItem("inbox", _("Unit inbox"), "workbench:inbox", roles=UNIT_ROLES, order=10),
            NavItem("leader", _("Leader desk"), "workbench:leader", roles=frozenset({Role.LEADER}), order=30),
            NavItem("orders", _("Work orders"), "workorders:list", roles=CENTER_ROLES | UNIT_ROLES, order=60),
            NavItem("admin", _("Administration"), "admin:index", roles=frozenset({Role.ADMIN}), order=900),
        )
