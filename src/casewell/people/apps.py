from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "casewell.people"
    label = "people"
    verbose_name = "People"
