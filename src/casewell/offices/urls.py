from django.urls import path

from casewell.offices import views

app_name = "office"

urlpatterns = [
    path("office/", views.staff_list, name="staff"),
    path("office/staff/<int:user_id>/", views.staff_member, name="staff_member"),
    path("office/staff/<int:user_id>/deactivate/", views.staff_deactivate, name="staff_deactivate"),
    path("office/staff/<int:user_id>/reactivate/", views.staff_reactivate, name="staff_reactivate"),
    path("office/staff/<int:user_id>/unlock/", views.staff_unlock, name="staff_unlock"),
    path("office/invitations/", views.invitations, name="invitations"),
    path("office/invitations/new/", views.invite, name="invite"),
    path(
        "office/invitations/<int:invitation_id>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path(
        "office/invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path("office/details/", views.office_details, name="details"),
    path("office/audit/", views.audit_trail, name="audit"),
    path("office/access-log/", views.access_log, name="access_log"),
    # Opened by someone not yet signed in: the link from their invitation e-mail.
    path("join/<str:token>/", views.join, name="join"),
]
