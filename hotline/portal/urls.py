from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("submit/", views.submit, name="submit"),
    path("submit/done/", views.receipt, name="receipt"),
    path("track/", views.track, name="track"),
    path("orders/<str:number>/", views.order_page, name="order"),
    path("orders/<str:number>/rate/", views.rate, name="rate"),
    path("orders/<str:number>/files/<int:pk>/", views.attachment, name="attachment"),
]
