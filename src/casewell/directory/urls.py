"""The directory's pages. A central entry is named by its key (it belongs to no office); the
office's own organisations and contacts by their ids, looked up inside the office."""

from django.urls import path

from casewell.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.directory_list, name="list"),
    path("add/", views.add_organisation, name="add_organisation"),
    path("central/<slug:central_key>/", views.central_organisation, name="central"),
    path("central/<slug:central_key>/override/", views.override_central, name="override"),
    path(
        "central/<slug:central_key>/contacts/add/",
        views.add_central_contact,
        name="add_central_contact",
    ),
    path("<int:organisation_id>/", views.organisation, name="organisation"),
    path("<int:organisation_id>/edit/", views.edit_organisation, name="edit_organisation"),
    path("<int:organisation_id>/revert/", views.revert, name="revert"),
    path("<int:organisation_id>/contacts/add/", views.add_contact, name="add_contact"),
    path("contacts/<int:contact_id>/edit/", views.edit_contact, name="edit_contact"),
]
