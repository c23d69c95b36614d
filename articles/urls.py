from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
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
