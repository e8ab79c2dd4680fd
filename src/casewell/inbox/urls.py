from django.urls import path

from casewell.inbox import reading_views, views

app_name = "inbox"

urlpatterns = [
    path("quarantine/", views.quarantined, name="quarantine"),
    path("quarantine/<int:rawmessage_id>/retry/", views.retry, name="retry"),
    path("messages/<int:message_id>/", reading_views.message, name="message"),
    path("messages/<int:message_id>/html/", reading_views.message_html, name="message_html"),
    path(
        "attachment/<int:message_id>/<int:messageattachment_id>/",
        reading_views.message_attachment,
        name="message_attachment",
    ),
]
