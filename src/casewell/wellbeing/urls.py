from django.urls import path

from casewell.wellbeing import views

app_name = "wellbeing"

urlpatterns: list = [
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
