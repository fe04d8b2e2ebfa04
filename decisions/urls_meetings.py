from django.urls import path

from decisions import views

urlpatterns = [
    path("", views.index, name="index"),
]
