from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "notifications"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.notification_list, name="list"),
    path("badge/", views.badge, name="badge"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("read/", views.mark_all_read, name="mark_all_read"),
]
