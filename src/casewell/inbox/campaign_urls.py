from django.urls import path

from casewell.inbox import campaign_views

app_name = "campaigns"

urlpatterns = [
    path("", campaign_views.campaign_list, name="list"),
    path("<int:campaign_id>/", campaign_views.campaign, name="campaign"),
    path("<int:campaign_id>/answer/", campaign_views.answer, name="answer"),
    path("message/<int:message_id>/", campaign_views.mark_as_campaign, name="mark"),
]
