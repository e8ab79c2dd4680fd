from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "casewell.safety"
    label = "safety"
    verbose_name = "Lone working and safety"
