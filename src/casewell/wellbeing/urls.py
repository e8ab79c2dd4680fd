from django.urls import path  # noqa: F401 - pages are added here

app_name = "wellbeing"

urlpatterns: list = []

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
