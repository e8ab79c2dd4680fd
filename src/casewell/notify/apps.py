from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "casewell.notify"
    label = "notify"
    verbose_name = "Notifications and healthy hours"
