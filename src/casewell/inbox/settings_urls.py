from django.urls import path

from casewell.inbox import compose_views
from casewell.inbox import settings_views as views

app_name = "inbox_settings"

urlpatterns = [
    path("", views.mail_in, name="mail_in"),
    path(
        "addresses/<int:inboxaddress_id>/remove/", views.remove_address, name="remove_address"
    ),
    path("imap/new/", views.new_mailbox, name="new_mailbox"),
    path("sending/", compose_views.sending_settings_page, name="sending"),
    path("imap/<int:imapmailbox_id>/remove/", views.remove_mailbox, name="remove_mailbox"),
]
