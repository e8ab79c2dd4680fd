from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "casewell.cases"
    label = "cases"
    verbose_name = "Cases"
