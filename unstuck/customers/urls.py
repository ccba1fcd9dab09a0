from django.urls import path

from . import views

app_name = "customers"
urlpatterns = [
    path("<int:pk>/", views.customer, name="detail"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/split/", views.split, name="split"),
]
