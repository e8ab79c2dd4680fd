from django.urls import path

from casewell.people import views

app_name = "people"

urlpatterns = [
    path("", views.people_list, name="list"),
    path("add/", views.person_add, name="add"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/change/", views.person_edit, name="edit"),
    path("<int:person_id>/addresses/add/", views.address_add, name="address_add"),
    path("<int:person_id>/phones/add/", views.phone_add, name="phone_add"),
    path("<int:person_id>/emails/add/", views.email_add, name="email_add"),
    path(
        "<int:person_id>/vulnerability-notes/",
        views.vulnerability_notes,
        name="vulnerability_notes",
    ),
    path("<int:person_id>/acting-for/add/", views.authority_add, name="authority_add"),
    path("<int:person_id>/permission/add/", views.permission_add, name="permission_add"),
    path("<int:person_id>/possible-duplicates/", views.duplicates, name="duplicates"),
    path("<int:person_id>/merge/", views.merge, name="merge"),
    path(
        "addresses/<int:address_id>/make-current/",
        views.address_make_current,
        name="address_make_current",
    ),
    path("addresses/<int:address_id>/remove/", views.address_remove, name="address_remove"),
    path("phones/<int:phonenumber_id>/make-main/", views.phone_make_main, name="phone_make_main"),
    path("phones/<int:phonenumber_id>/remove/", views.phone_remove, name="phone_remove"),
    path("emails/<int:personemail_id>/make-main/", views.email_make_main, name="email_make_main"),
    path("emails/<int:personemail_id>/remove/", views.email_remove, name="email_remove"),
    path("acting-for/<int:thirdpartyauthority_id>/end/", views.authority_end, name="authority_end"),
    path("permission/<int:permissionform_id>/", views.permission_form, name="permission_form"),
    path("permission/<int:permissionform_id>/print/", views.permission_pdf, name="permission_pdf"),
    path(
        "permission/<int:permissionform_id>/upload-scan/",
        views.permission_scan_upload,
        name="permission_scan_upload",
    ),
    path("permission/<int:permissionform_id>/scan/", views.permission_scan, name="permission_scan"),
    path(
        "permission/<int:permissionform_id>/withdraw/",
        views.permission_withdraw,
        name="permission_withdraw",
    ),
    path("merges/<int:personmerge_id>/undo/", views.unmerge, name="unmerge"),
    path("<int:person_id>/documents/add/", views.document_add, name="document_add"),
    path(
        "documents/<int:persondocument_id>/download/",
        views.document_download,
        name="document_download",
    ),
    path(
        "documents/<int:persondocument_id>/remove/", views.document_remove, name="document_remove"
    ),
]
