from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "casewell.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
