from django.urls import path

from casewell.people import views

app_name = "people"

urlpatterns = [
    path("", views.people_list, name="list"),
    path("<int:person_id>/", views.person_detail, name="detail"),
]
