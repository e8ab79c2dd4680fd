from django.urls import include, path

from casewell.api import api

urlpatterns = [
    path("", include("casewell.home.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("casewell.offices.urls")),
    path("people/", include("casewell.people.urls")),
    path("directory/", include("casewell.directory.urls")),
    path("cases/", include("casewell.cases.urls")),
    path("timeline/", include("casewell.timeline.urls")),
    path("files/", include("casewell.files.urls")),
    path("safety/", include("casewell.safety.urls")),
    path("inbox/settings/", include("casewell.inbox.settings_urls")),
    path("inbox/", include("casewell.inbox.urls")),
    path("inbox/", include("casewell.inbox.sending_urls")),
    path("inbox/campaigns/", include("casewell.inbox.campaign_urls")),
    path("notifications/", include("casewell.notify.urls")),
    path("wellbeing/", include("casewell.wellbeing.urls")),
    path("api/v1/", api.urls),
]
