from django.urls import path

from decisions.workflow import party_views, views

urlpatterns = [
    # "cases/<int:pk>/transitions/<slug:name>/" (workflow_transition) is served by
    # financing.views.case_transition, wired in norrbotten_cases/urls.py.
    path("cases/<int:pk>/anchoring/", views.anchoring_add, name="workflow_anchoring_add"),
    path(
        "cases/<int:pk>/anchoring/<int:contact_pk>/delete/",
        views.anchoring_delete,
        name="workflow_anchoring_delete",
    ),
    path("cases/<int:pk>/proposal/", views.proposal_edit, name="workflow_proposal_edit"),
    path(
        "cases/<int:pk>/communication/",
        party_views.communication_create,
        name="workflow_communication",
    ),
    path(
        "cases/<int:pk>/communication/<int:communication_pk>/reply/",
        party_views.communication_reply,
        name="workflow_communication_reply",
    ),
    path(
        "cases/<int:pk>/delay-notice/",
        party_views.delay_notice_create,
        name="workflow_delay_notice",
    ),
    path("cases/<int:pk>/decision-demand/", party_views.demand_register, name="workflow_demand"),
    path(
        "cases/<int:pk>/decision-demand/<int:demand_pk>/refuse/",
        party_views.demand_refuse,
        name="workflow_demand_refuse",
    ),
    path("queues/", views.queues, name="workflow_queues"),
    path("queues/<slug:key>/", views.queue, name="workflow_queue"),
    path("delegation/", views.delegation_register, name="delegation_register"),
]
