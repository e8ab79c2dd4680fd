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
