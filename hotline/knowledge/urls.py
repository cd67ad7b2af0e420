from django.urls import URLPattern, URLResolver, path
from django.views.generic import RedirectView

from .views import panel, public, staff

app_name = "knowledge"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", RedirectView.as_view(pattern_name="knowledge:search", query_string=True)),
    path("search/", staff.search, name="search"),
    path("new/", staff.create, name="create"),
    path("entries/<int:pk>/", staff.entry, name="entry"),
    path("entries/<int:pk>/edit/", staff.edit, name="edit"),
    path("entries/<int:pk>/do/<slug:action>/", staff.act, name="act"),
    path("entries/<int:pk>/versions/<int:number>/", staff.version, name="version"),
    path("entries/<int:pk>/diff/", staff.diff, name="diff"),
    path("entries/<int:pk>/files/<int:file_id>/", staff.attachment, name="attachment"),
    path("entries/<int:pk>/report/", panel.report, name="report"),
    path("reports/<int:pk>/settle/", staff.settle_report, name="settle_report"),
    path("review/", staff.review, name="review"),
    path("usage/", staff.usage, name="usage"),
    path("gaps/<int:pk>/close/", staff.close_gap, name="close_gap"),
    path("export/", staff.export, name="export"),
    path("import/", staff.import_view, name="import"),
    path("panel/answers/", panel.answers, name="panel_answers"),
    path("panel/order/", panel.order_entries, name="panel_order"),
    path("faq/", public.faq, name="public_faq"),
    path("faq/<int:pk>/", public.faq_entry, name="public_faq_entry"),
    path("faq/<int:pk>/files/<int:file_id>/", public.attachment, name="public_attachment"),
]
