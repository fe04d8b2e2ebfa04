"""The run's template database (tests/template_db.py): what makes its migration faster
changes nothing else."""

from django.apps import apps
from django.apps.registry import Apps
from django.db import models
from django.db.migrations.state import ProjectState
from django.db.models.signals import class_prepared

from tests.template_db import faster_state_rendering


def _render_case_of_a_migration_state():
    return ProjectState.from_apps(apps).apps.get_model("projects", "Case")


def test_while_migrating_class_prepared_skips_only_the_models_of_migration_states():
    prepared = []

    def receiver(sender, **kwargs):
        prepared.append(sender)

    class_prepared.connect(receiver)
    try:
        with faster_state_rendering():
            state_model = _render_case_of_a_migration_state()

            class Plain(models.Model):  # a model of any other registry: prepared as always
                class Meta:
                    app_label = "tests_template_db"
                    apps = Apps()

                def __str__(self):
                    return "plain"

        assert prepared == [Plain]
        assert state_model not in prepared
        assert "send" not in vars(class_prepared)  # the signal's own method again
        prepared.clear()
        _render_case_of_a_migration_state()
        assert any(model._meta.label_lower == "projects.case" for model in prepared)
    finally:
        class_prepared.disconnect(receiver)


def test_while_migrating_the_swappable_setting_answers_are_kept_and_right():
    from django.conf import settings

    user = settings.AUTH_USER_MODEL.lower()
    expected = apps.get_swappable_settings_name(user)
    assert expected == "AUTH_USER_MODEL"
    with faster_state_rendering():
        assert apps.get_swappable_settings_name(user) == expected
        _render_case_of_a_migration_state()  # registering state models clears Django's cache
        assert apps.get_swappable_settings_name(user) == expected
        assert apps.get_swappable_settings_name("projects.case") is None
        apps.clear_cache()  # what Django calls when the registry changes
        assert apps.get_swappable_settings_name(user) == expected
    assert "get_swappable_settings_name" not in vars(apps)  # the registry's own method again
