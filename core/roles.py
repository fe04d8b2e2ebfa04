"""The five roles of the department, as Django groups with model permissions.

Groups are created by a data migration (``0002_roles``). Their model permissions are
synced after every ``migrate`` from ``ROLE_PERMISSIONS`` below, so models added by later
apps get the right permissions without new data migrations. Business rules never look
at model permissions directly: each app's ``permissions.py`` asks ``has_role``.
"""

from django.apps import apps as global_apps
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "handläggare", _("Handläggare")
    SECRETARY = "nämndsekreterare", _("Nämndsekreterare")
    CONTROLLER = "controller", _("Controller")
    DECISION_MAKER = "beslutsfattare", _("Beslutsfattare")
    READER = "läsare", _("Läsare")


READ = ("view",)
WRITE = ("add", "change", "view")

# role -> {app_label: actions on every model of the app}; "app.model": actions overrides.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.OFFICER: {
        "projects": WRITE,
        "decisions": READ,
        "decisions.anchoringcontact": WRITE,
        "decisions.transitionlog": READ,
        "financing": READ,
        "financing.financingplan": WRITE,
        "financing.financingrow": WRITE,
        "reporting": READ,
        "reporting.answer": WRITE,
        "reporting.insats": WRITE,
        "reporting.reportjob": ("add", "view"),
    },
    Role.SECRETARY: {
        "projects": READ,
        "decisions": WRITE,
        "financing": READ,
        "reporting": READ,
        "reporting.reportjob": ("add", "view"),
    },
    Role.CONTROLLER: {
        "projects": READ,
        "decisions": READ,
        "financing": WRITE,
        "financing.commitmenttotal": READ,  # derived by triggers, never edited
        "reporting": READ,
        "reporting.reportjob": ("add", "view"),
    },
    Role.DECISION_MAKER: {
        "projects": READ,
        "decisions": READ,
        "decisions.signature": WRITE,
        "financing": READ,
        "reporting": READ,
    },
    Role.READER: {
        "projects": READ,
        "decisions": READ,
        "financing": READ,
        "reporting": READ,
    },
}


def user_roles(user) -> frozenset[str]:
    """The role names of ``user``, cached on the instance for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_nc_roles", None)
    if cached is None:
        if user.is_superuser:
            cached = frozenset(Role.values)
        else:
            cached = frozenset(user.groups.values_list("name", flat=True)) & set(Role.values)
        user._nc_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    """True if the user holds any of ``roles``."""
    return bool(user_roles(user) & set(roles))


def is_reader_only(user) -> bool:
    """Läsare without any other role: sees only what is not confidential."""
    roles = user_roles(user)
    return Role.READER in roles and len(roles) == 1


def role_permission_codenames(role: str, apps_registry) -> set[tuple[str, str]]:
    """(app_label, codename) pairs the role should hold, for the models that exist now."""
    spec = ROLE_PERMISSIONS[role]
    wanted: set[tuple[str, str]] = set()
    for key, actions in spec.items():
        if "." in key:
            continue
        try:
            app_config = apps_registry.get_app_config(key)
        except LookupError:
            continue
        for model in app_config.get_models():
            name = model._meta.model_name
            model_actions = spec.get(f"{key}.{name}", actions)
            wanted |= {(key, f"{action}_{name}") for action in model_actions}
    return wanted


def sync_role_permissions(sender=None, apps=None, using="default", **kwargs):
    """Give each role group exactly its model permissions (runs after ``migrate``)."""
    registry = apps or global_apps
    try:
        Group = registry.get_model("auth", "Group")
        Permission = registry.get_model("auth", "Permission")
    except LookupError:
        return
    if getattr(sender, "label", None) not in {"projects", "decisions", "financing", "reporting"}:
        return
    all_perms = {
        (app_label, codename): pk
        for pk, app_label, codename in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role in Role.values:
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = role_permission_codenames(role, global_apps)
        pks = [all_perms[pair] for pair in wanted if pair in all_perms]
        group.permissions.set(pks)
