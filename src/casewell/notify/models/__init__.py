"""The notify models, one module per idea; each is imported here so Django finds it."""

from casewell.notify.models.notifications import Notification
from casewell.notify.models.patterns import DeliveryPreference, EmailChoice, WorkingPattern

__all__ = ["DeliveryPreference", "EmailChoice", "Notification", "WorkingPattern"]
