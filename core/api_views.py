from typing import ClassVar

from django.conf import settings
from django.utils import translation
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.roles import user_roles


class MeView(APIView):
    """Who am I: the authenticated user and their roles."""

    @extend_schema(
        responses=inline_serializer(
            "Me",
            fields={
                "username": serializers.CharField(),
                "full_name": serializers.CharField(),
                "roles": serializers.ListField(child=serializers.CharField()),
            },
        )
    )
    def get(self, request):
        user = request.user
        return Response(
            {
                "username": user.get_username(),
                "full_name": user.get_full_name(),
                "roles": sorted(user_roles(user)),
            }
        )


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema of the API (``/api/schema/``), generated once per language.

    drf-spectacular introspects every endpoint, serializer and model on each request: about
    half a second of a worker's time for a schema that only the code changes (a deployment
    restarts the processes). The generated schema (a dict; rendered to YAML or JSON per
    request) is kept per process for each language of the settings. It describes every
    endpoint whoever asks (``SERVE_PUBLIC``), so it is the same for every user; asking for
    it still needs a login (``SERVE_PERMISSIONS``). A request naming a version or a language
    the settings do not list gets a schema generated for it, not kept.
    """

    _generated: ClassVar[dict[str, dict]] = {}

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        language = translation.get_language()
        if version is not None or language not in dict(settings.LANGUAGES):
            return super()._get_schema_response(request)
        schema = self._generated.get(language)
        if schema is None:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            schema = generator.get_schema(request=request, public=self.serve_public)
            self._generated[language] = schema
        return Response(
            data=schema,
            headers={
                "Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'
            },
        )
