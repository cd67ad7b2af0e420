from django.urls import URLPattern, URLResolver, path

from .views import pages

app_name = "briefings"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", pages.archive, name="archive"),
    path("generate/", pages.generate, name="generate"),
    path("cases/", pages.case_add, name="case_add"),
    path("cases/<int:pk>/withdraw/", pages.case_withdraw, name="case_withdraw"),
    path("<int:pk>/", pages.detail, name="detail"),
    path("<int:pk>/document.docx", pages.document, name="document"),
]
