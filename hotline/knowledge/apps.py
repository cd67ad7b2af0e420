from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "hotline.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from hotline.core import navigation, panels
        from hotline.core.navigation import NavItem
        from hotline.core.panels import Panel
        from hotline.directory.models import CENTER_ROLES
        from hotline.workorders import services as wo

        from . import signals  # noqa: F401 - synonym groups bump the index generation
        from .services.usage import on_event

        navigation.register(
            NavItem("knowledge", _("Knowledge base"), "knowledge:search", roles=None, order=40),
            NavItem("knowledge_review", _("Knowledge review"), "knowledge:review", roles=None, order=41),
            NavItem("knowledge_usage", _("Knowledge use"), "knowledge:usage", roles=CENTER_ROLES, order=42),
        )
        panels.register(
            Panel(
                "knowledge_answers",
                "intake",
                _("Knowledge base answers"),
                "knowledge:panel_answers",
                order=20,
            )
        )
        if on_event not in wo.event_listeners:
            wo.event_listeners.append(on_event)
