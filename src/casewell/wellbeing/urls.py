from django.urls import path

from casewell.wellbeing import huddle_views, supervision_views, views

app_name = "wellbeing"

urlpatterns: list = [
    # Huddles and putting it down
    path("huddles/", huddle_views.past, name="huddles"),
    path("huddles/daily/", huddle_views.board, {"kind": "daily"}, name="daily_board"),
    path("huddles/weekly/", huddle_views.board, {"kind": "weekly"}, name="weekly_board"),
    path("huddles/times/", huddle_views.huddle_times, name="huddle_times"),
    path("huddles/<int:huddle_id>/", huddle_views.huddle, name="huddle"),
    path("put-it-down/", huddle_views.put_it_down, name="put_it_down"),
    path("put-it-down/not-today/", huddle_views.not_today, name="not_today"),
    path("put-it-down/<int:putdownnote_id>/", huddle_views.put_down_note, name="put_down_note"),
    path("no-meeting-times/", huddle_views.no_meeting_times, name="no_meeting_times"),
    path(
        "no-meeting-times/<int:nomeetingtime_id>/remove/",
        huddle_views.remove_no_meeting_time,
        name="remove_no_meeting_time",
    ),
    # Supervision and the calendar feed
    path("supervision/", supervision_views.supervision_home, name="supervision"),
    path("supervision/new/", supervision_views.schedule, name="schedule"),
    path("supervision/policy/", supervision_views.policy, name="supervision_policy"),
    path(
        "supervision/sessions/<int:supervisionsession_id>/",
        supervision_views.session,
        name="session",
    ),
    path(
        "supervision/sessions/<int:supervisionsession_id>/attendance/",
        supervision_views.attendance,
        name="attendance",
    ),
    path(
        "supervision/sessions/<int:supervisionsession_id>/cancel/",
        supervision_views.cancel,
        name="cancel_session",
    ),
    path(
        "supervision/records/<int:supervisionrecord_id>/", supervision_views.record, name="record"
    ),
    path(
        "supervision/actions/<int:agreedaction_id>/done/",
        supervision_views.action_done,
        name="action_done",
    ),
    path("calendar/", supervision_views.calendar, name="calendar"),
    path("feeds/<str:token>.ics", supervision_views.calendar_feed_file, name="calendar_feed"),
    path("reading/", views.reading_preferences, name="reading_preferences"),
    path("phrases/", views.office_phrases, name="office_phrases"),
    path(
        "phrases/<int:officephrase_id>/remove/",
        views.remove_office_phrase,
        name="remove_office_phrase",
    ),
    path("flag/<str:kind>/<int:item_id>/", views.flag, name="flag"),
]

# Exposure-aware workload.
from casewell.wellbeing import workload_views  # noqa: E402 - each part adds its own pages

urlpatterns += [
    path("", workload_views.home, name="home"),
    path("workload/", workload_views.my_workload, name="my_workload"),
    path("workload/team/", workload_views.team, name="team"),
    path("workload/settings/", workload_views.workload_settings, name="workload_settings"),
    path("workload/nudges/", workload_views.nudge_report, name="nudge_report"),
    path("cases/<int:case_id>/workload/", workload_views.case_workload, name="case_workload"),
    path("nudges/<int:breaknudge_id>/dismiss/", workload_views.dismiss_nudge, name="dismiss_nudge"),
]
