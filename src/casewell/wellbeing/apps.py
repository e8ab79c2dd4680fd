from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "casewell.wellbeing"
    label = "wellbeing"
    verbose_name = "Wellbeing"
