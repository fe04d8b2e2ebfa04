from django.urls import path

from decisions import views_workflow as views

urlpatterns = [
    path(
        "cases/<int:pk>/transitions/<slug:name>/",
        views.transition,
        name="workflow_transition",
    ),
    path("cases/<int:pk>/anchoring/", views.anchoring_add, name="workflow_anchoring_add"),
    path(
        "cases/<int:pk>/anchoring/<int:contact_pk>/delete/",
        views.anchoring_delete,
        name="workflow_anchoring_delete",
    ),
    path("cases/<int:pk>/proposal/", views.proposal_edit, name="workflow_proposal_edit"),
    path("queues/", views.queues, name="workflow_queues"),
    path("queues/<slug:key>/", views.queue, name="workflow_queue"),
    path("delegation/", views.delegation_register, name="delegation_register"),
]
