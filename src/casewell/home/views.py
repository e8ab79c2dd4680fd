from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from casewell.home.panels import panels_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home/home.html", {"panels": panels_for(request.user)})
