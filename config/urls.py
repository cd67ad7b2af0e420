from django.contrib import admin
from django.urls import include, path

from config.api import api
from hotline.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("open311/v2/", include("hotline.open311.urls")),
    path("channels/", include("hotline.channels.urls")),
    path("portal/", include("hotline.portal.urls")),
    path("kb/", include("hotline.knowledge.urls")),
    path("analytics/", include("hotline.analytics.urls")),
    path("publication/", include("hotline.publication.urls")),
    path("supervision/", include("hotline.supervision.urls")),
    path("notifications/", include("hotline.notifications.urls")),
    path("feedback/", include("hotline.feedback.urls")),
    path("assessment/", include("hotline.assessment.urls")),
    path("briefings/", include("hotline.briefings.urls")),
    path("routing/", include("hotline.routing.urls")),
    path("orders/", include("hotline.workorders.urls")),
    path("directory/", include("hotline.directory.urls")),
    path("", include("hotline.workbench.urls")),
]
# No public media URL, not even in development: attachments are served only by views that check the
# permission gate (workorders:attachment, portal:attachment).
