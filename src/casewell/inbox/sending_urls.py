from django.urls import path

from casewell.inbox import compose_views

app_name = "inbox_out"

urlpatterns = [
    path("case/<int:case_id>/send/", compose_views.send_from_case, name="send"),
    path(
        "outgoing/<int:outgoingmessage_id>/try-again/",
        compose_views.try_again,
        name="try_again",
    ),
]
