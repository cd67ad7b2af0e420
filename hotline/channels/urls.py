from django.urls import URLPattern, URLResolver, path

from .views import callbacks, pages, panels

app_name = "channels"
urlpatterns: list[URLPattern | URLResolver] = [
    path("sms/inbound", callbacks.sms_inbound, name="sms_inbound"),
    path("telephony/events", callbacks.telephony, name="telephony"),
    path("wechat/", callbacks.wechat, name="wechat"),
    path("missed-calls/", pages.missed_calls, name="missed_calls"),
    path("missed-calls/<int:call_id>/done", pages.missed_call_done, name="missed_call_done"),
    path("responses/", pages.response_report, name="response_report"),
    path("panels/call", panels.panel_call, name="panel_call"),
    path("panels/hotline", panels.panel_hotline, name="panel_hotline"),
    path("panels/order", panels.panel_order, name="panel_order"),
]
