from django.urls import path

from casewell.safety import evidence_views, threat_views, views

app_name = "safety"

urlpatterns = [
    path("", views.lone_working, name="home"),
    path("start/", views.start, name="start"),
    path("sessions/<int:loneworkingsession_id>/", views.session, name="session"),
    path("sessions/<int:loneworkingsession_id>/check-in/", views.check_in, name="check_in"),
    path("sessions/<int:loneworkingsession_id>/extend/", views.extend, name="extend"),
    path("sessions/<int:loneworkingsession_id>/end/", views.end, name="end"),
    path("sessions/<int:loneworkingsession_id>/panic/", views.panic, name="panic"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/badge/", views.alert_badge, name="alert_badge"),
    path("alerts/<int:safetyalert_id>/", views.alert, name="alert"),
    path("alerts/<int:safetyalert_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("alerts/<int:safetyalert_id>/action/", views.record_action, name="record_action"),
    path("people/<int:person_id>/markers/", threat_views.person_markers, name="person_markers"),
    path("markers/<int:safetymarker_id>/remove/", threat_views.remove_marker, name="remove_marker"),
    path("incidents/", threat_views.incidents, name="incidents"),
    path("incidents/new/", threat_views.new_incident, name="new_incident"),
    path("incidents/<int:incident_id>/", threat_views.incident, name="incident"),
    path("incidents/<int:incident_id>/evidence/", threat_views.add_evidence, name="add_evidence"),
    path(
        "incidents/<int:incident_id>/evidence/message/",
        evidence_views.add_message_evidence,
        name="add_message_evidence",
    ),
    path(
        "messages/<int:message_id>/add-to-incident/",
        evidence_views.add_message_to_incident,
        name="add_message_to_incident",
    ),
    path(
        "evidence/<int:evidencelink_id>/release/",
        threat_views.release_evidence,
        name="release_evidence",
    ),
    path("people/<int:person_id>/handler/", threat_views.person_handler, name="person_handler"),
    path("support/", threat_views.support_list, name="support"),
    path("support/<int:supportoption_id>/", threat_views.support_option, name="support_option"),
    path(
        "support/<int:supportoption_id>/remove/",
        threat_views.remove_support_option,
        name="remove_support_option",
    ),
    path("my-safety/", views.my_safety, name="my_safety"),
    path("ladder/", views.ladder, name="ladder"),
    path("sms/<int:office_id>/", views.text_check_in, name="text_check_in"),
]
