from django.urls import URLPattern, URLResolver

app_name = "helpcenter"
urlpatterns: list[URLPattern | URLResolver] = []
