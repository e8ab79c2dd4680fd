from django.urls import include, path

urlpatterns = [
    path("", include("casewell.home.urls")),
    path("accounts/", include("allauth.urls")),
]
