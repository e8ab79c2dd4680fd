from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "casewell.inbox"
    label = "inbox"
    verbose_name = "Inbox"

    def ready(self) -> None:
        # A message something holds (evidence of an incident) refuses to be deleted.
        from casewell.inbox.records import connect_hold_signals

        connect_hold_signals()
