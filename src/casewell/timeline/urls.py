from django.urls import path

from casewell.timeline import views

app_name = "timeline"

urlpatterns = [
    path("case/<int:case_id>/", views.case_timeline, name="case"),
    path("case/<int:case_id>/note/", views.add_note, name="add_note"),
    path("case/<int:case_id>/call/", views.log_call, name="log_call"),
    path("case/<int:case_id>/visit/", views.log_visit, name="log_visit"),
    path("case/<int:case_id>/document/", views.upload_document, name="upload_document"),
    path("entry/<int:timelineentry_id>/", views.entry, name="entry"),
    path("attachment/<int:timelineattachment_id>/", views.attachment, name="attachment"),
]
