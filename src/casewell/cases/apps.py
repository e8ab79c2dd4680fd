from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


def _office_created(sender: Any, instance: Any, created: bool, raw: bool, **_: Any) -> None:
    # Every way an office comes into being (create_office, the test cast, the demo)
    # saves an Office, so every new office gets its categories and workflow here.
    if created and not raw:
        from casewell.cases.defaults import ensure_case_defaults

        ensure_case_defaults(instance)


class CasesConfig(AppConfig):
    name = "casewell.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from casewell.offices.models import Office

        post_save.connect(_office_created, sender=Office, dispatch_uid="casewell-case-defaults")
