from drf_spectacular.utils import extend_schema, inline_serializer
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
