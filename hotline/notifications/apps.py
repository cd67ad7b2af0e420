from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "hotline.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from hotline.core import navigation

        navigation.register(
            navigation.NavItem("notifications", _("Notifications"), "notifications:list", order=900)
        )
