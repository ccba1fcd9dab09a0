from django.urls import URLPattern, URLResolver

app_name = "momentum"
urlpatterns: list[URLPattern | URLResolver] = []
