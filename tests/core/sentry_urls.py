"""A URL that fails, for the error-reporting test (tests/core/test_operations.py)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path


@login_not_required
def boom(request):
    raise RuntimeError("a deliberate failure for the error-reporting test")


urlpatterns = [path("boom/", boom)]
