from django.urls import path

from projects import views

app_name = "projects"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
]
