from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "hotline.feedback"
    label = "feedback"
    verbose_name = _("Callback")

    def ready(self) -> None:
        from hotline.core import navigation
        from hotline.directory.models import Role
        from hotline.workorders import services as wo

        from . import listeners

        wo.event_listeners.append(listeners.on_event)
        try:
            from hotline.channels.inbound import sms_handlers

            from .inbound import survey_answer
        except ImportError:  # pragma: no cover - channels is part of the platform
            pass
        else:
            sms_handlers.append(survey_answer)
        navigation.register(
            navigation.NavItem(
                "callback",
                _("Callback queue"),
                "feedback:callback_queue",
                roles=frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN}),
                order=60,
            ),
            navigation.NavItem(
                "callback-exemptions",
                _("Callback exemptions"),
                "feedback:exemptions",
                roles=frozenset({Role.SUPERVISOR, Role.ADMIN}),
                order=920,
            ),
        )
