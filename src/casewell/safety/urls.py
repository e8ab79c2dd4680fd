from django.urls import path  # noqa: F401 - routes are added as pages land

app_name = "safety"

urlpatterns: list = []
