from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "widget"
urlpatterns: list[URLPattern | URLResolver] = [
    path("widget/embed.js", views.embed_js, name="embed-js"),
    path("contact/", views.contact, name="contact"),
    path("contact/sent/<str:ref>/", views.contact_sent, name="contact-sent"),
]
