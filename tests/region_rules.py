"""The default rules the data migrations create (funding types, financing policy,
delegationsordning, handling-time targets, OSL provisions, retention classes), made again
when a transactional test has flushed the tables (tests/conftest.py ``_region_rules``, and
tests/session_demo.py before the demo loads)."""

from importlib import import_module

from django.apps import apps


def ensure_region_rules() -> None:
    from decisions.workflow.models import DelegationRule
    from financing import defaults
    from financing.models import FinancingPolicy, FundingType

    if not FundingType.objects.exists() or not DelegationRule.objects.exists():
        defaults.ensure_defaults(
            funding_type=FundingType, policy=FinancingPolicy, delegation_rule=DelegationRule
        )
    from decisions.workflow.defaults import ensure_handling_targets
    from decisions.workflow.models import HandlingTarget

    if not HandlingTarget.objects.exists():
        ensure_handling_targets(HandlingTarget)
    from projects.models import KindRetention, SecrecyProvision

    # The managed lists the projects data migrations seed (OSL provisions, retention).
    if not SecrecyProvision.objects.exists():
        import_module("projects.migrations.0012_confidential_documents_become_markings").forwards(
            apps, None
        )
    if not KindRetention.objects.exists():
        import_module("projects.migrations.0015_default_retention_classes").forwards(apps, None)
