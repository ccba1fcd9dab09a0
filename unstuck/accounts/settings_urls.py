from django.urls import path

from . import views

app_name = "settings"
urlpatterns = [
    path("", views.tokens, name="index"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke-token"),
    path("agents/", views.agents, name="agents"),
    path("audit/", views.audit, name="audit"),
]
