from django.urls import URLPattern, URLResolver, path

from .views import manage, scores

app_name = "assessment"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", scores.overview, name="overview"),
    path("mine/", scores.mine, name="mine"),
    path("export.xlsx", scores.export_xlsx, name="export_xlsx"),
    path("notice.docx", scores.notice_docx, name="notice_docx"),
    path("schemes/", manage.scheme_list, name="schemes"),
    path("schemes/new/", manage.scheme_create, name="scheme_create"),
    path("schemes/<slug:code>/", manage.scheme_edit, name="scheme_edit"),
    path("schemes/<slug:code>/default/", manage.scheme_default, name="scheme_default"),
    path("templates/", manage.templates, name="templates"),
    path("templates/<str:kind>/download/", manage.template_download, name="template_download"),
    path("templates/<str:kind>/reset/", manage.template_reset, name="template_reset"),
    path("publications/", manage.publication_list, name="publications"),
    path("publications/new/", manage.publication_create, name="publication_create"),
    path("publications/<int:pk>/", manage.publication_detail, name="publication"),
    path("publications/<int:pk>/notice.docx", manage.publication_notice, name="publication_notice"),
    path("publications/<int:pk>/export.xlsx", manage.publication_xlsx, name="publication_xlsx"),
    path("<str:kind>/<str:code>/", scores.detail, name="detail"),
    path("<str:kind>/<str:code>/history/", scores.history_fragment, name="history"),
    path("<str:kind>/<str:code>/orders/", scores.drill, name="drill"),
]
