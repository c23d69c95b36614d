from django.urls import path

from comments import reaction_views, views
from comments.dsa import views as dsa_views

app_name = "comments"

urlpatterns = [
    path("comments/token/", views.comment_token, name="token"),
    path("comments/post/<int:article_id>/", views.post_comment, name="post"),
    path("comments/<int:comment_id>/reply/", views.reply, name="reply"),
    path("comments/<int:comment_id>/report/", views.report, name="report"),
    path("comments/<int:comment_id>/like/", reaction_views.like, name="like"),
    path("comments/appeal/<str:token>/", dsa_views.appeal, name="appeal"),
    path("comments/rules/", dsa_views.rules_page, name="rules"),
]
