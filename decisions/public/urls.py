from django.urls import path

from decisions.public import views

app_name = "public"

urlpatterns = [
    path("anslagstavla/", views.notice_board, name="notice_board"),
    path("anslagstavla/arkiv/", views.notice_archive, name="notice_archive"),
    path("anslagstavla/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("anslagstavla/<int:pk>/protokoll/", views.notice_protocol, name="notice_protocol"),
    path(
        "anslagstavla/paragraf/<int:pk>/",
        views.paragraph_notice_detail,
        name="paragraph_notice_detail",
    ),
    path(
        "anslagstavla/paragraf/<int:pk>/utdrag/",
        views.paragraph_notice_extract,
        name="paragraph_notice_extract",
    ),
    path("e-diarium/", views.diary, name="diary"),
    path("e-diarium/<int:pk>/", views.diary_case, name="diary_case"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
]
