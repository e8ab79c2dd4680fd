from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "casewell.directory"
    label = "directory"
    verbose_name = "Organisations and contacts directory"
