"""Notifications and colleague-to-colleague messages, delivered through one function that
respects each recipient's working hours and bank holidays (healthy-hours delivery)."""
