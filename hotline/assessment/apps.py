from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "hotline.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from hotline.core import navigation
        from hotline.directory.models import CENTER_ROLES, UNIT_ROLES

        from . import documents, tasks  # noqa: F401 - registers the notice template and the worker jobs

        navigation.register(
            navigation.NavItem(
                "assessment", _("Assessment"), "assessment:overview", roles=CENTER_ROLES, order=60
            ),
            navigation.NavItem(
                "assessment_mine", _("Our assessment"), "assessment:mine", roles=UNIT_ROLES, order=60
            ),
        )
