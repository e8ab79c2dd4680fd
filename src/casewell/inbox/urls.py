from django.urls import path

from casewell.inbox import views

app_name = "inbox"

urlpatterns = [
    path("quarantine/", views.quarantined, name="quarantine"),
    path("quarantine/<int:rawmessage_id>/retry/", views.retry, name="retry"),
]
