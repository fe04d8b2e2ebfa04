"""Factories of the core app: users and their roles."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

PASSWORD = "secret-password-123"  # every test user's; signing asks for it again


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.se")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            # get_or_create: transactional tests flush the groups the migration made.
            self.groups.set([Group.objects.get_or_create(name=role)[0] for role in extracted])


def user_with_role(role: str, **kwargs):
    """A user holding ``role``; with ``username=``, the same user on every call."""
    return UserFactory(roles=[role], **kwargs)
