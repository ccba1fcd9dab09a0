from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "mail"
urlpatterns: list[URLPattern | URLResolver] = [
    path("settings/mailboxes/", views.mailboxes, name="mailboxes"),
    path("settings/mailboxes/<int:mailbox_id>/", views.mailboxes, name="mailbox"),
    path("settings/mailboxes/<int:mailbox_id>/poll/", views.poll_now, name="poll"),
    path("mail/problems/", views.problems, name="problems"),
    path("mail/received/<int:inbound_id>.eml", views.raw, name="raw"),
    path("mail/received/<int:inbound_id>/resolve/", views.resolve, name="resolve"),
    path("mail/messages/<int:message_id>/retry/", views.retry_delivery, name="retry"),
]
