"""factory_boy factories shared by the test suites (per-app factories live beside them)."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.roles import Role
from projects import services
from projects.models import Organisation, Project


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.se")
    password = factory.django.Password("secret-password-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            # get_or_create: transactional tests flush the groups the migration made.
            self.groups.set([Group.objects.get_or_create(name=role)[0] for role in extracted])


def user_with_role(role: str, **kwargs):
    return UserFactory(roles=[role], **kwargs)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n} AB")
    kind = Organisation.Kind.COMPANY


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"Projekt {n}")
    applicant = factory.SubFactory(OrganisationFactory)
    owner = factory.SelfAttribute("applicant")
    start_date = datetime.date(2020, 9, 1)
    end_date = datetime.date(2023, 2, 28)
    requested_amount = Decimal("1222867")
    total_budget = Decimal("6114325")


def register_case(*, officer=None, kind="medfinansiering", project=None, **kwargs):
    """A case registered through the service, so it gets a real Dnr."""
    officer = officer or user_with_role(Role.OFFICER)
    project = project or ProjectFactory()
    title = kwargs.pop("title", f"Medfinansiering av projektet {project.title}")
    return services.case_register(user=officer, kind=kind, title=title, project=project, **kwargs)
