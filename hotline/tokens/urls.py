from django.urls import URLPattern, URLResolver

app_name = "tokens"
urlpatterns: list[URLPattern | URLResolver] = []
