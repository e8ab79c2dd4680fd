from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "casewell.safety"
    label = "safety"
    verbose_name = "Lone working and safety"

    def ready(self) -> None:
        # Evidence of an incident is kept: the files app asks before deleting any file, and
        # the inbox before deleting any message.
        from casewell.files.services import register_hold_check
        from casewell.inbox.records import register_hold_check as register_message_hold_check
        from casewell.safety.evidence import hold_reason, message_hold_reason

        register_hold_check(hold_reason)
        register_message_hold_check(message_hold_reason)
