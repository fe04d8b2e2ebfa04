from django.urls import path

from reporting import api

urlpatterns = [
    path("reports/", api.ReportYearListView.as_view(), name="api-reports"),
    path("reports/<int:year>/", api.ReportYearDetailView.as_view(), name="api-report"),
    path(
        "reports/<int:year>/sections/",
        api.SectionListView.as_view(),
        name="api-report-sections",
    ),
    path("reports/<int:year>/figures/", api.FiguresView.as_view(), name="api-report-figures"),
    path("report-answers/<int:pk>/", api.AnswerDetailView.as_view(), name="api-report-answer"),
    path(
        "report-answers/<int:pk>/done/",
        api.AnswerDoneView.as_view(),
        name="api-report-answer-done",
    ),
    path(
        "report-answers/<int:pk>/copy-previous/",
        api.AnswerCopyPreviousView.as_view(),
        name="api-report-answer-copy",
    ),
    path("report-jobs/", api.ReportJobListView.as_view(), name="api-report-jobs"),
    path("report-jobs/<int:pk>/", api.ReportJobDetailView.as_view(), name="api-report-job"),
    path(
        "report-files/<int:pk>/download/",
        api.ReportFileDownloadView.as_view(),
        name="api-report-file-download",
    ),
    path(
        "report-jobs/<int:pk>/retry/",
        api.ReportJobRetryView.as_view(),
        name="api-report-job-retry",
    ),
]
