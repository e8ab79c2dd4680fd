from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "casewell.safety"
    label = "safety"
    verbose_name = "Lone working and safety"

    def ready(self) -> None:
        # Evidence of an incident is kept: the files app asks before deleting any file.
        from casewell.files.services import register_hold_check
        from casewell.safety.evidence import hold_reason

        register_hold_check(hold_reason)
