from django.urls import path

from financing import views

app_name = "financing"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
