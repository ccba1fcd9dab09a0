from django.urls import path

from . import views

app_name = "conversations"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("search/", views.search, name="search"),
    path("c/<int:pk>/", views.conversation, name="detail"),
    path("c/<int:pk>/live/", views.live, name="live"),
    path("c/<int:pk>/send/", views.send, name="send"),
    path("c/<int:pk>/owner/", views.change_owner, name="owner"),
    path("c/<int:pk>/next-step/", views.next_step, name="next-step"),
    path("c/<int:pk>/status/", views.change_status, name="status"),
    path("c/<int:pk>/triage/", views.change_triage, name="triage"),
    path("c/<int:pk>/merge/", views.merge, name="merge"),
    path("c/<int:pk>/split/", views.split, name="split"),
]
