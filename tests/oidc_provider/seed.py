"""Prepare the test provider's database: ``python -m tests.oidc_provider.seed SPEC.json``.

SPEC: {"client_id", "client_secret", "redirect_uris", "post_logout_redirect_uris",
"users": [{"username", "password", "first_name", "last_name", "email", "groups"}]}.
"""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")


def main(path: str) -> None:
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType, RSAKey

    spec = json.loads(open(path, encoding="utf-8").read())
    call_command("migrate", verbosity=0, interactive=False)
    if not RSAKey.objects.exists():
        call_command("creatersakey", verbosity=0)
    client, _created = Client.objects.update_or_create(
        client_id=spec["client_id"],
        defaults={
            "name": "Norrbotten Cases",
            "client_type": "confidential",
            "client_secret": spec["client_secret"],
            "jwt_alg": "RS256",
            "require_consent": False,
            "reuse_consent": True,
            "_redirect_uris": "\n".join(spec["redirect_uris"]),
            "_post_logout_redirect_uris": "\n".join(spec["post_logout_redirect_uris"]),
            "_scope": "openid email profile groups",
        },
    )
    client.response_types.set([ResponseType.objects.get(value="code")])
    for item in spec["users"]:
        user, _created = User.objects.get_or_create(username=item["username"])
        user.first_name = item.get("first_name", "")
        user.last_name = item.get("last_name", "")
        user.email = item.get("email", "")
        user.set_password(item["password"])
        user.save()
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in item["groups"]])


if __name__ == "__main__":
    main(sys.argv[1])
