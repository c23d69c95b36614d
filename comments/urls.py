from django.urls import path

from comments import commenter_views, reaction_views, views
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
    # E-mail for commenters (comments/commenter_views.py).
    path("comments/mute/<str:token>/", commenter_views.mute, name="mute"),
    path("comments/confirm/<str:token>/", commenter_views.confirm, name="confirm"),
    path("comments/mine/", commenter_views.my_comments_request, name="mine_request"),
    path("comments/mine/<str:token>/", commenter_views.my_comments_page, name="mine"),
    path("comments/mine/<str:token>/json/", commenter_views.my_comments_export, name="mine_json"),
    path("comments/mine/<str:token>/erase/", commenter_views.my_comments_erase, name="mine_erase"),
]
