from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "casewell.timeline"
    label = "timeline"
    verbose_name = "Case timeline"
