from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "supervision"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("remind/<int:assignment>/", views.quick_remind, name="quick_remind"),
    path("panel/order/", views.panel_order, name="panel_order"),
    path("orders/<str:number>/remind/", views.remind, name="remind"),
    path("orders/<str:number>/supervise/", views.supervise, name="supervise"),
    path("orders/<str:number>/escalate/", views.escalate, name="escalate"),
    path("orders/<str:number>/respond/", views.respond, name="respond"),
    path("orders/<str:number>/flag/", views.flag, name="flag"),
    path("notices/", views.unit_notices, name="unit_notices"),
    path("rules/", views.rules, name="rules"),
    path("rules/<slug:code>/", views.rule_edit, name="rule_edit"),
]
