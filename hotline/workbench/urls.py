from django.urls import path

from .views import agent, dispatch, home, inbox, leader

app_name = "workbench"
urlpatterns = [
    path("", home.home, name="home"),
    path("keepalive/", home.keepalive, name="keepalive"),
    path("agent/", agent.console, name="agent"),
    path("agent/history/", agent.caller_history_fragment, name="agent_history"),
    path("agent/search/", agent.search_fragment, name="agent_search"),
    path("agent/done/<str:number>/", agent.done, name="agent_done"),
    path("dispatch/", dispatch.queues_page, name="dispatch"),
    path("dispatch/bulk/", dispatch.bulk_dispatch, name="bulk_dispatch"),
    path("dispatch/review/<str:number>/", dispatch.quick_review, name="quick_review"),
    path("dispatch/extension/<int:pk>/", dispatch.decide_extension, name="decide_extension"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/sign/<str:number>/", inbox.quick_sign, name="quick_sign"),
    path("leader/", leader.leader, name="leader"),
    path("leader/instruct/<str:number>/", leader.instruct, name="leader_instruct"),
]
