from django.urls import path

from casewell.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:notification_id>/read/", views.read, name="read"),
    path("read-all/", views.read_all, name="read_all"),
    path("working-pattern/", views.working_pattern, name="working_pattern"),
    path("working-patterns/", views.who_has_set_a_pattern, name="who_has_set"),
    path("message/", views.message, name="message"),
    path("message/arrival/", views.arrival, name="arrival"),
    path("out-of-hours/", views.out_of_hours_page, name="out_of_hours"),
]
