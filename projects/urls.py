from django.urls import path

from projects import search_views, views
from projects.retention import views as retention_views

app_name = "projects"
urlpatterns = [
    # cases
    path("", views.case_list, name="case_list"),
    path("new/", views.case_register, name="case_register"),
    path("search/", search_views.site_search, name="search"),
    path("bulk/", search_views.case_bulk, name="case_bulk"),
    path("filters/new/", search_views.saved_filter_create, name="saved_filter_create"),
    path("filters/<int:pk>/delete/", search_views.saved_filter_delete, name="saved_filter_delete"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("<int:pk>/history/", views.case_history, name="case_history"),
    path(
        "<int:pk>/history/<slug:kind>/<int:record>/<slug:field>/",
        views.case_history_change,
        name="case_history_change",
    ),
    path("<int:pk>/documents/new/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/email/", views.document_register_email, name="document_email"),
    path(
        "<int:pk>/registry.<str:fmt>",
        views.case_registry_export,
        name="case_registry_export",
    ),
    path("<int:pk>/secrecy/new/", views.secrecy_mark, name="secrecy_mark"),
    path("secrecy/<int:pk>/lift/", views.secrecy_lift, name="secrecy_lift"),
    path("secrecy/log/", views.secrecy_log, name="secrecy_log"),
    path("<int:pk>/requests/new/", views.request_register, name="request_register"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    # retention (gallring)
    path("retention/", retention_views.retention_page, name="retention"),
    path("retention/prepare/", retention_views.retention_prepare, name="retention_prepare"),
    path(
        "retention/<int:pk>/approve/", retention_views.retention_approve, name="retention_approve"
    ),
    path("retention/<int:pk>/cancel/", retention_views.retention_cancel, name="retention_cancel"),
    # documents
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("documents/<int:pk>/view/", views.document_view, name="document_view"),
    path("documents/<int:pk>/edit/", views.document_edit, name="document_edit"),
    # projects
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/start/", views.project_start, name="project_start"),
    path("projects/<int:pk>/closure/", views.project_closure, name="project_closure"),
    path("projects/<int:pk>/members/new/", views.member_create, name="member_create"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/delete/", views.member_delete, name="member_delete"),
    path("removals/<int:pk>/undo/", views.removal_undo, name="removal_undo"),
    path("<int:pk>/notes/new/", views.case_note_add, name="case_note_add"),
    path("projects/<int:pk>/obligations/new/", views.obligation_create, name="obligation_create"),
    path("obligations/<int:pk>/edit/", views.obligation_edit, name="obligation_edit"),
    path("obligations/<int:pk>/fulfil/", views.obligation_fulfil, name="obligation_fulfil"),
    path("obligations/<int:pk>/reopen/", views.obligation_reopen, name="obligation_reopen"),
    path("obligations/<int:pk>/delete/", views.obligation_delete, name="obligation_delete"),
    # organisations
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/search/", views.organisation_search, name="organisation_search"),
    path("projects/search/", views.project_search, name="project_search"),
    path("organisations/chip/", views.organisation_chip, name="organisation_chip"),
    path(
        "organisations/picker/new/",
        views.organisation_picker_create,
        name="organisation_picker_create",
    ),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path(
        "organisations/<int:pk>/aliases/new/",
        search_views.organisation_alias_add,
        name="organisation_alias_add",
    ),
    path(
        "aliases/<int:pk>/delete/",
        search_views.organisation_alias_delete,
        name="organisation_alias_delete",
    ),
    # managed lists
    path("areas/", views.area_list, name="area_list"),
    path("areas/<str:list_key>/new/", views.area_create, name="area_create"),
    path("areas/<str:list_key>/<int:pk>/edit/", views.area_edit, name="area_edit"),
]
