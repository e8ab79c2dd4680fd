from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "casewell.inbox"
    label = "inbox"
    verbose_name = "Inbox"
