"""The API's side of masking copies of secret texts (``projects.secrecy.CopyMasker``):
serializers of texts derived from a case (a decision proposal, a §, a delegation decision)
mix in ``SecretCopiesMixin`` and name the fields in ``secret_copy_fields``; with
``Meta.list_serializer_class = SecretCopiesList`` a list reads the markings of all its
cases in one query."""

from rest_framework import serializers

from projects.secrecy import copy_masker


def _masked(value, masker, case_id):
    if isinstance(value, str):
        return masker.mask(value, case_id)
    if isinstance(value, list):
        return [_masked(one, masker, case_id) for one in value]
    if isinstance(value, dict):
        return {key: _masked(one, masker, case_id) for key, one in value.items()}
    return value


class SecretCopiesList(serializers.ListSerializer):
    def to_representation(self, data):
        rows = list(data.all() if hasattr(data, "all") else data)
        copy_masker(self.context.get("request")).preload(
            getattr(row, "case_id", None) for row in rows
        )
        return super().to_representation(rows)


class SecretCopiesMixin:
    """Masks ``secret_copy_fields`` (strings, or lists and dicts of them) for a user not
    allowed to see the marked material of the object's case (``case_id``)."""

    secret_copy_fields: tuple[str, ...] = ()

    def to_representation(self, instance):
        data = super().to_representation(instance)  # type: ignore[misc]
        case_id = getattr(instance, "case_id", None)
        if not case_id:
            return data
        masker = copy_masker(self.context.get("request"))  # type: ignore[attr-defined]
        for name in self.secret_copy_fields:
            if name in data:
                data[name] = _masked(data[name], masker, case_id)
        return data
