from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "publication"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.public_list, name="public_list"),
    path("cases/<int:pk>/", views.public_detail, name="public_detail"),
    path("manage/", views.manage, name="manage"),
    path("manage/select/", views.select, name="select"),
    path("manage/cases/<int:pk>/", views.case, name="case"),
]
