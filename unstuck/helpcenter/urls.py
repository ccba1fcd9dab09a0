from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "helpcenter"
urlpatterns: list[URLPattern | URLResolver] = [
    # The public help center: no login.
    path("help/", views.home, name="home"),
    path("help/search/", views.search, name="search"),
    path("help/articles/<int:pk>/vote/", views.vote, name="vote"),
    path("help/<slug:category_slug>/", views.category, name="category"),
    path("help/<slug:category_slug>/<slug:slug>/", views.article, name="article"),
    # The editor and reports, for agents.
    path("articles/", views.article_list, name="articles"),
    path("articles/new/", views.new_article, name="new"),
    path("articles/preview/", views.preview, name="preview"),
    path("articles/categories/", views.category_list, name="categories"),
    path("articles/gaps/", views.gap_report, name="gaps"),
    path("articles/for/<int:conversation_id>/", views.sidebar, name="sidebar"),
    path("articles/<int:pk>/", views.edit_article, name="edit"),
    path("articles/<int:pk>/revisions/", views.revision_list, name="revisions"),
    path("articles/<int:pk>/revisions/<int:number>/", views.revision_detail, name="revision"),
]
