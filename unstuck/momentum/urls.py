from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "momentum"
urlpatterns: list[URLPattern | URLResolver] = [
    path("c/<int:pk>/draft/", views.draft, name="draft"),
    path("c/<int:pk>/scope/start/", views.scope_start, name="scope-start"),
    path("c/<int:pk>/scope/finish/", views.scope_finish, name="scope-finish"),
    path("c/<int:pk>/collaborators/", views.collaborator_add, name="collaborator-add"),
    path(
        "c/<int:pk>/collaborators/<int:collaborator_id>/remove/", views.collaborator_remove, name="collaborator-remove"
    ),
    path("c/<int:pk>/side/", views.side_post, name="side-post"),
    path("c/<int:pk>/calls/", views.call_log, name="call-log"),
    path("c/<int:pk>/calls/<int:call_id>/outcome/", views.call_outcome, name="call-outcome"),
    path("nudges/", views.nudge_list, name="nudges"),
    path("momentum/", views.lead_view, name="lead"),
    path("settings/sla/", views.sla_settings, name="sla"),
]
