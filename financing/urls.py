from django.urls import path

from financing import views

app_name = "financing"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.xlsx", views.dashboard_export, name="dashboard_export"),
    path("grants/", views.grant_list, name="grant_list"),
    path("grants/new/", views.grant_create, name="grant_create"),
    path("grants/<int:year>/", views.grant_detail, name="grant_detail"),
    path("grants/<int:year>/edit/", views.grant_edit, name="grant_edit"),
    path(
        "grants/<int:year>/allocation-decisions/new/",
        views.allocation_decision_create,
        name="allocation_decision_create",
    ),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/export.xlsx", views.plan_export, name="plan_export"),
    path("plans/<int:project_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:project_id>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:project_id>/rows/new/", views.plan_add_row, name="plan_add_row"),
    path("plans/<int:project_id>/submit/", views.plan_submit, name="plan_submit"),
    path("plans/<int:project_id>/review/", views.plan_review, name="plan_review"),
    path("plans/<int:project_id>/reopen/", views.plan_reopen, name="plan_reopen"),
    path("plans/<int:project_id>/granted/", views.plan_granted, name="plan_granted"),
    path("rules/", views.rules_index, name="rules"),
    path("rules/<str:kind>/new/", views.rule_edit, name="rule_create"),
    path("rules/<str:kind>/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("commitments/", views.commitment_list, name="commitment_list"),
    path("commitments/new/", views.commitment_create, name="commitment_create"),
    path("commitments/<int:pk>/", views.commitment_detail, name="commitment_detail"),
    path("commitments/<int:pk>/payments/new/", views.payment_create, name="payment_create"),
    path("commitments/<int:pk>/releases/new/", views.release_create, name="release_create"),
    path("cases/<int:case_id>/payments/", views.case_payments, name="case_payments"),
    path(
        "cases/<int:case_id>/payments/new/", views.case_payment_create, name="case_payment_create"
    ),
    path("payments/<int:pk>/correct/", views.payment_correct, name="payment_correct"),
    path("cases/<int:case_id>/conditions/new/", views.condition_create, name="condition_create"),
    path("conditions/<int:pk>/met/", views.condition_met, name="condition_met"),
    path(
        "cases/<int:case_id>/requisitions/new/",
        views.requisition_create,
        name="requisition_create",
    ),
    path("cases/<int:case_id>/recoveries/new/", views.recovery_create, name="recovery_create"),
    path(
        "cases/<int:case_id>/final-report/",
        views.final_report_approve,
        name="final_report_approve",
    ),
    path("cases/<int:case_id>/adjustments/new/", views.grant_adjust, name="grant_adjust"),
    path("cases/<int:case_id>/terms/", views.grant_terms, name="grant_terms"),
    path("business-support/", views.business_support_list, name="business_support_list"),
    path("business-support/import/", views.business_support_import, name="business_support_import"),
    path(
        "business-support/import/confirm/",
        views.business_support_import_confirm,
        name="business_support_import_confirm",
    ),
    path("business-support/new/", views.business_support_edit, name="business_support_create"),
    path("business-support/<int:pk>/", views.business_support_edit, name="business_support_edit"),
    path(
        "business-support/imports/<int:pk>/file/",
        views.business_support_source,
        name="business_support_source",
    ),
]
