"""``manage.py register_delegation_decisions``: draw up and register the delegation
decisions taken before decisions were registered in their cases (OSL 5 kap.).

Each decision without a registered document gets its PDF (``decisions.workflow.services.
register_delegation_decision``), registered in its case as upprättad on the day it was
decided, by the one who decided it. Run once after upgrading; running it again changes
nothing (each decision is registered once).
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from decisions.workflow.models import DelegationDecision
from decisions.workflow.services import register_delegation_decision


class Command(BaseCommand):
    help = "Register the delegation decisions that have no registered document yet."

    def handle(self, *args, **options):
        missing = DelegationDecision.objects.filter(document__isnull=True).select_related(
            "case__project__applicant", "rule", "decided_by"
        )
        count = 0
        for decision in missing.order_by("decided_on", "pk"):
            with transaction.atomic():
                decision.document = register_delegation_decision(decision, decision.decided_by)
                decision.save(update_fields=["document"])
            count += 1
        self.stdout.write(self.style.SUCCESS(f"Registered {count} delegation decisions."))
