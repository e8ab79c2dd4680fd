from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "casewell.files"
    label = "files"
    verbose_name = "Stored files"
