from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OfficesConfig(AppConfig):
    name = "casewell.offices"
    label = "offices"
    verbose_name = "Offices and staff"

    def ready(self) -> None:
        from casewell.offices import signals  # noqa: F401 - sign-in auditing
        from casewell.offices.audit import connect_audit_signals
        from casewell.offices.walls import apply_row_level_security

        connect_audit_signals()
        # After every migrate, so a new tenant table can never be left outside the wall.
        post_migrate.connect(apply_row_level_security, dispatch_uid="casewell-row-level-security")
