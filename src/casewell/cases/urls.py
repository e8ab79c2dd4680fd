from django.urls import path

from casewell.cases import views

app_name = "cases"

urlpatterns: list = [
    path("", views.case_list, name="list"),
    path("mine/", views.my_cases, name="mine"),
    path("team/", views.team_cases, name="team"),
    path("bulk/", views.bulk_action, name="bulk"),
    path("open/", views.open_case, name="open"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/status/", views.change_status, name="status"),
    path("<int:case_id>/assign/", views.assign, name="assign"),
    path("<int:case_id>/edit/", views.edit, name="edit"),
    path("<int:case_id>/tags/", views.tags, name="tags"),
    path("<int:case_id>/restrict/", views.restrict, name="restrict"),
    path("<int:case_id>/related/", views.related, name="related"),
    path("<int:case_id>/people/", views.people, name="people"),
    path("<int:case_id>/organisations/", views.organisations, name="organisations"),
]
