from django.urls import path

from articles import preview, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    # Signed, expiring links that show an unpublished article to someone without an account.
    path("preview/<str:token>/", preview.shared_preview, name="preview"),
    path("<slug:slug>/", views.CategoryView.as_view(), name="category"),
    path(
        "<slug:category>/articles/<int:pk>/<slug:slug>/",
        views.ArticleDetailView.as_view(),
        name="detail",
    ),
    # Links that lost their slug still find the article (and are redirected).
    path(
        "<slug:category>/articles/<int:pk>/",
        views.ArticleDetailView.as_view(),
        name="detail_short",
    ),
]
