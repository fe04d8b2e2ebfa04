from django.urls import path

from decisions.meetings import api

urlpatterns = [
    path("bodies/", api.BodyListView.as_view(), name="api-bodies"),
    path("bodies/<int:pk>/", api.BodyDetailView.as_view(), name="api-body"),
    path("meetings/", api.MeetingListView.as_view(), name="api-meetings"),
    path("meetings/<int:pk>/", api.MeetingDetailView.as_view(), name="api-meeting"),
    path(
        "meetings/<int:pk>/attendance/",
        api.MeetingAttendanceView.as_view(),
        name="api-meeting-attendance",
    ),
    path(
        "meetings/<int:pk>/signatures/",
        api.MeetingSignaturesView.as_view(),
        name="api-meeting-signatures",
    ),
    path("meetings/<int:pk>/reject/", api.MeetingRejectView.as_view(), name="api-meeting-reject"),
    path(
        "meetings/<int:pk>/documents/",
        api.MeetingDocumentsView.as_view(),
        name="api-meeting-documents",
    ),
    path("paragraphs/", api.ParagraphListView.as_view(), name="api-paragraphs"),
    path("paragraphs/<int:pk>/", api.ParagraphDetailView.as_view(), name="api-paragraph"),
    path(
        "paragraphs/<int:pk>/motions/",
        api.ParagraphMotionsView.as_view(),
        name="api-paragraph-motions",
    ),
    # "paragraphs/<int:pk>/decision/" is financing.api.ParagraphDecisionView (financing.api_urls).
    # Generated documents (kallelse, protocol, extracts); "documents/" are the case
    # documents of the registry (projects.api_urls), which come first.
    path("meeting-documents/", api.DocumentListView.as_view(), name="api-documents"),
    path(
        "meeting-documents/<int:pk>/download/",
        api.DocumentDownloadView.as_view(),
        name="api-document-download",
    ),
    path("document-jobs/<int:pk>/", api.DocumentJobView.as_view(), name="api-document-job"),
]
