from django.urls import path

from casewell.inbox import reading_views, triage_views, views

app_name = "inbox"

urlpatterns = [
    path("", triage_views.to_triage, name="triage"),
    path("mine/", triage_views.assigned_to_me, name="mine"),
    path("assigned/", triage_views.all_assigned, name="assigned"),
    path("<int:message_id>/assign/", triage_views.assign, name="assign"),
    path("<int:message_id>/archive/", triage_views.archive, name="archive"),
    path("<int:message_id>/link-to-case/", triage_views.link_to_case, name="link_to_case"),
    path("<int:message_id>/open-case/", triage_views.open_case, name="open_case"),
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
