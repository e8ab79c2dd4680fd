"""The people an office serves, in the office's own word for them."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from casewell.people import services

PAGE_SIZE = 25


class PeopleFilterForm(forms.Form):
    name = forms.CharField(required=False, max_length=200, label="Name")
    postcode = forms.CharField(
        required=False,
        max_length=10,
        label="Postcode",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
    )


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    form = PeopleFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    people = services.find_people(
        request.user, name=filters.get("name", ""), postcode=filters.get("postcode", "")
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "people/people_list.html",
        {
            "form": form,
            "filtered": bool(filters.get("name") or filters.get("postcode")),
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            ),
            "query": query.urlencode(),
        },
    )


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = services.get_person_for(request.user, person_id)
    return render(request, "people/person_detail.html", {"person": person})
