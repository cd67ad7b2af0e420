from django.urls import URLPattern, URLResolver, path

from .views import alerts, dashboards, hotspots, themes

app_name = "analytics"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", dashboards.home, name="dashboard"),
    path("trends/", dashboards.trends, name="trends"),
    path("performance/", dashboards.performance, name="performance"),
    path("map/", dashboards.district_map, name="map"),
    path("orders/", dashboards.orders, name="orders"),
    path("hotspots/", hotspots.hotspots, name="hotspots"),
    path("hotspots/recompute/", hotspots.recompute, name="hotspots_recompute"),
    path("hotspots/promote/", hotspots.promote, name="promote"),
    path("themes/", themes.theme_list, name="themes"),
    path("themes/<int:pk>/", themes.theme_detail, name="theme"),
    path("themes/<int:pk>/tasks/", themes.theme_task, name="theme_task"),
    path("themes/<int:pk>/progress/", themes.theme_progress, name="theme_progress"),
    path("themes/<int:pk>/close/", themes.theme_conclude, name="theme_close"),
    path("alerts/", alerts.alert_list, name="alerts"),
    path("alerts/<int:pk>/", alerts.alert_detail, name="alert"),
    path("alerts/<int:pk>/handle/", alerts.alert_handle_view, name="alert_handle"),
]
