from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "routing"
urlpatterns: list[URLPattern | URLResolver] = [
    path("panels/suggest/", views.panel_suggest, name="panel_suggest"),
    path("panels/similar/", views.panel_similar, name="panel_similar"),
    path("panels/caller/", views.panel_caller, name="panel_caller"),
    path("panels/dispatch/", views.panel_dispatch, name="panel_dispatch"),
]
