from django.urls import path

from casewell.cases import change_views, settings_views, views

app_name = "cases"

urlpatterns: list = [
    path("", views.case_list, name="list"),
    path("mine/", views.my_cases, name="mine"),
    path("team/", views.team_cases, name="team"),
    path("bulk/", views.bulk_action, name="bulk"),
    path("bulk/assign/", views.bulk_assign, name="bulk_assign"),
    path("open/", views.open_case, name="open"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/status/", change_views.change_status, name="status"),
    path("<int:case_id>/assign/", change_views.assign, name="assign"),
    path("<int:case_id>/edit/", change_views.edit, name="edit"),
    path("<int:case_id>/tags/", change_views.tags, name="tags"),
    path("<int:case_id>/restrict/", change_views.restrict, name="restrict"),
    path("<int:case_id>/related/", change_views.related, name="related"),
    path("<int:case_id>/people/", change_views.people, name="people"),
    path("<int:case_id>/organisations/", change_views.organisations, name="organisations"),
    # The office's case settings (settings_views.py).
    path("settings/categories/", settings_views.categories, name="settings_categories"),
    path(
        "settings/categories/<int:category_id>/",
        settings_views.category,
        name="settings_category",
    ),
    path("settings/workflow/", settings_views.statuses, name="settings_statuses"),
    path(
        "settings/workflow/<int:casestatus_id>/",
        settings_views.casestatus,
        name="settings_status",
    ),
    path("settings/teams/", settings_views.teams, name="settings_teams"),
    path("settings/teams/<int:team_id>/", settings_views.team, name="settings_team"),
    path("settings/tags/", settings_views.tags, name="settings_tags"),
    path("settings/tags/<int:tag_id>/", settings_views.tag, name="settings_tag"),
]
