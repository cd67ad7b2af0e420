from django.urls import URLPattern, URLResolver, re_path

from . import views

app_name = "open311"
FMT = r"\.(?P<fmt>[a-z]+)$"
urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.services, name="services"),
    re_path(r"^services/(?P<code>[\w-]{1,32})" + FMT, views.service_definition, name="service_definition"),
    re_path(r"^requests" + FMT, views.requests, name="requests"),
    re_path(r"^requests/(?P<request_id>[\w-]{1,40})" + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token_id>[\w-]{1,64})" + FMT, views.token, name="token"),
]
