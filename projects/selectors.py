"""Reads for the registry: querysets carrying what each page needs."""

from django.db.models import QuerySet

from projects.models import Case


def case_list_queryset() -> QuerySet[Case]:
    return Case.objects.select_related("project__applicant", "project__owner", "officer").order_by(
        "-year", "-number"
    )


def case_detail(pk: int) -> Case:
    return (
        Case.objects.select_related("project__applicant", "project__owner", "officer")
        .prefetch_related("project__partners", "project__rus_areas", "project__smart_areas")
        .get(pk=pk)
    )
