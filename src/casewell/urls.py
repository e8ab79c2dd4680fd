from django.urls import include, path

from casewell.api import api

urlpatterns = [
    path("", include("casewell.home.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("casewell.offices.urls")),
    path("people/", include("casewell.people.urls")),
    path("api/v1/", api.urls),
]
