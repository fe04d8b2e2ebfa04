"""Shared pieces of the JSON API: error translation and the v1 URL include list."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import Conflict


def _messages(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for m in errs[0].messages]
            if len(errs) == 1
            else [str(m) for e in errs for m in e.messages]
            for field, errs in error.error_dict.items()
        }
    return {"detail": " ".join(str(m) for m in error.messages)}


def exception_handler(exc, context):
    """DRF's handler, plus the domain errors raised by services."""
    if isinstance(exc, Conflict):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        return Response(_messages(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, PermissionDenied):
        detail = str(exc) or "Du har inte behörighet att göra detta."
        return Response({"detail": detail}, status=status.HTTP_403_FORBIDDEN)
    return drf_exception_handler(exc, context)
