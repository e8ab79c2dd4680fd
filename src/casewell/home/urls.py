from django.urls import path

from casewell.home import views

urlpatterns = [
    path("", views.home, name="home"),
]
