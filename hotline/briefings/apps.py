from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BriefingsConfig(AppConfig):
    name = "hotline.briefings"
    label = "briefings"
    verbose_name = _("Briefings")

    def ready(self) -> None:
        from hotline.core import navigation
        from hotline.directory.models import CENTER_ROLES

        from . import documents, tasks  # noqa: F401 - registers the briefing template and the worker jobs

        navigation.register(
            navigation.NavItem("briefings", _("Briefings"), "briefings:archive", roles=CENTER_ROLES, order=62)
        )
