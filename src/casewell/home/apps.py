from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "casewell.home"
    label = "home"
    verbose_name = "Home pages"
