from django.urls import path, re_path

from reporting import views
from reporting.archive import views as archive_views

app_name = "reporting"

YEAR = r"(?P<year>\d{4})"
NUMBER = r"(?P<number>\d{1,2}(?:\.\d{1,2}){0,4})"

urlpatterns = [
    path("", views.index, name="index"),
    path("archive/", archive_views.archive_page, name="archive"),
    path("archive/<int:pk>/download/", archive_views.archive_download, name="archive_download"),
    path("archive/<int:pk>/check/", archive_views.archive_check, name="archive_check"),
    path("new/", views.report_create, name="report_create"),
    path("word-template/", views.word_template, name="word_template"),
    path("word-template/reset/", views.word_template_reset, name="word_template_reset"),
    path("word-template/download/", views.word_template_download, name="word_template_download"),
    path("<int:year>/", views.report_detail, name="report_detail"),
    path("<int:year>/edit/", views.report_edit, name="report_edit"),
    path("<int:year>/next-year/", views.report_next_year, name="report_next_year"),
    path("<int:year>/approval/", views.report_approval, name="report_approval"),
    path("<int:year>/approval/clear/", views.report_approval_clear, name="report_approval_clear"),
    path("<int:year>/preview/", views.report_preview, name="report_preview"),
    path("<int:year>/figures/", views.figures_page, name="figures"),
    path("<int:year>/figures/check/", views.figures_check, name="figures_check"),
    path(
        "<int:year>/figures/commitments/",
        views.figures_commitments,
        name="figures_commitments",
    ),
    path("<int:year>/figures/cases/<slug:group>/", views.figures_cases, name="figures_cases"),
    path("<int:year>/generate/", views.generate, name="generate"),
    re_path(rf"^{YEAR}/sections/{NUMBER}/$", views.section_detail, name="section_detail"),
    re_path(rf"^{YEAR}/sections/{NUMBER}/edit/$", views.section_edit, name="section_edit"),
    re_path(rf"^{YEAR}/sections/{NUMBER}/copy/$", views.answer_copy, name="answer_copy"),
    re_path(rf"^{YEAR}/sections/{NUMBER}/done/$", views.answer_done, name="answer_done"),
    re_path(rf"^{YEAR}/sections/{NUMBER}/assign/$", views.answer_assign, name="answer_assign"),
    re_path(rf"^{YEAR}/sections/{NUMBER}/insatser/add/$", views.insats_add, name="insats_add"),
    path("insatser/<int:pk>/", views.insats_edit, name="insats_edit"),
    path("insatser/<int:pk>/delete/", views.insats_delete, name="insats_delete"),
    path("insatser/<int:pk>/move/", views.insats_move, name="insats_move"),
    path("jobs/<int:pk>/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("files/<int:pk>/download/", views.file_download, name="file_download"),
]
