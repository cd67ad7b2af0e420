from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "feedback"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.callback_queue, name="callback_queue"),
    path("orders/<str:number>/record/", views.record, name="record"),
    path("orders/<str:number>/no-answer/", views.no_answer, name="no_answer"),
    path("orders/<str:number>/close/", views.close_unreachable, name="close_unreachable"),
    path("exemptions/", views.exemptions, name="exemptions"),
    path("exemptions/add/", views.exemption_add, name="exemption_add"),
    path("exemptions/<int:pk>/toggle/", views.exemption_toggle, name="exemption_toggle"),
]
