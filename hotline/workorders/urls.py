from django.urls import path

from . import views

app_name = "workorders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/do/<str:action>/", views.act, name="act"),
    path("<str:number>/files/<int:pk>/", views.attachment, name="attachment"),
]
