"""The directory's pages: the merged list, one organisation with its contacts, and the forms.

Thin: each view finds records through the directory's services (inside the user's office,
404 otherwise), checks the role for pages that change things, and hands every change to
``casewell.directory.services``. Central entries are read-only: their pages offer an override.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from casewell.directory import services
from casewell.directory.forms import ContactForm, DirectoryFilterForm, OrganisationForm
from casewell.directory.models import Contact, Organisation, OrganisationDetails
from casewell.people.phones import national_format

PAGE_SIZE = 25


def _form_errors_from(form: Any, error: ValidationError) -> None:
    """Show a service's refusal on the form, against the field it names."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _may(request: HttpRequest) -> dict[str, bool]:
    return {
        "may_edit_organisations": services.may_edit_organisations(request.user),
        "may_edit_contacts": services.may_edit_contacts(request.user),
    }


@login_required
def directory_list(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = services.find_in_directory(
        request.user, name=filters.get("name", ""), kind=filters.get("kind", "")
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry["kind_label"] = services.kind_label(entry["entry_kind"])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/directory_list.html",
        {
            "form": form,
            "filtered": bool(filters.get("name") or filters.get("kind")),
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            ),
            "query": query.urlencode(),
            **_may(request),
        },
    )


def _organisation_page(request: HttpRequest, entry: services.DirectoryEntry) -> HttpResponse:
    return render(
        request,
        "directory/organisation.html",
        {
            "entry": entry,
            "details": entry.details,
            "kind_label": services.kind_label(entry.details.kind),
            **_may(request),
        },
    )


@login_required
def central_organisation(request: HttpRequest, central_key: str) -> HttpResponse:
    return _organisation_page(request, services.central_entry(request.user, central_key))


@login_required
def organisation(request: HttpRequest, organisation_id: int) -> HttpResponse:
    return _organisation_page(request, services.office_entry(request.user, organisation_id))


def _initial(record: OrganisationDetails | Contact) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in type(record).DETAIL_FIELDS}
    # Shown as staff read it; the services accept it back in that form.
    values["phone"] = national_format(values["phone"])
    return values


@login_required
def add_organisation(request: HttpRequest) -> HttpResponse:
    if not services.may_edit_organisations(request.user):
        raise PermissionDenied(services.ORGANISATION_REFUSAL)
    form = OrganisationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_organisation(request.user, form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"{added.name} has been added to the office’s directory.")
            return redirect("directory:organisation", organisation_id=added.pk)
    return render(request, "directory/organisation_form.html", {"form": form, "adding": True})


@login_required
def edit_organisation(request: HttpRequest, organisation_id: int) -> HttpResponse:
    record = services.get_organisation_for(request.user, organisation_id)
    if not services.may_edit_organisations(request.user):
        raise PermissionDenied(services.ORGANISATION_REFUSAL)
    if record.is_link:
        # A central entry is read-only: its page offers the override instead.
        raise PermissionDenied("Central directory entries are read-only: override it first.")
    form = OrganisationForm(_posted(request), initial=_initial(record))
    if request.method == "POST" and form.is_valid():
        try:
            services.change_organisation(request.user, record, form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"{record.name} has been changed.")
            return redirect("directory:organisation", organisation_id=record.pk)
    return render(
        request,
        "directory/organisation_form.html",
        {"form": form, "adding": False, "organisation": record},
    )


@require_POST
@login_required
def override_central(request: HttpRequest, central_key: str) -> HttpResponse:
    central = services.get_central_organisation(central_key)
    override = services.override_central_organisation(request.user, central)
    messages.success(
        request,
        f"Your office now has its own copy of {central.name}. Changes you make here are "
        "seen by your office only.",
    )
    return redirect("directory:edit_organisation", organisation_id=override.pk)


@require_POST
@login_required
def revert(request: HttpRequest, organisation_id: int) -> HttpResponse:
    record = services.get_organisation_for(request.user, organisation_id)
    services.revert_override(request.user, record)
    messages.success(request, f"{record.name} is back to the central directory’s details.")
    return redirect("directory:organisation", organisation_id=record.pk)


def _contact_form_page(
    request: HttpRequest,
    form: ContactForm,
    details: OrganisationDetails,
    back: str,
    contact: Contact | None = None,
) -> HttpResponse:
    return render(
        request,
        "directory/contact_form.html",
        {"form": form, "details": details, "back": back, "contact": contact},
    )


@login_required
def add_contact(request: HttpRequest, organisation_id: int) -> HttpResponse:
    entry = services.office_entry(request.user, organisation_id)
    if not services.may_edit_contacts(request.user):
        raise PermissionDenied(services.CONTACT_REFUSAL)
    organisation: Organisation = entry.organisation  # type: ignore[assignment]
    form = ContactForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.add_contact(request.user, organisation, form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"{contact.name} has been added to {entry.details.name}.")
            return redirect("directory:organisation", organisation_id=organisation.pk)
    back = reverse("directory:organisation", kwargs={"organisation_id": organisation.pk})
    return _contact_form_page(request, form, entry.details, back)


@login_required
def add_central_contact(request: HttpRequest, central_key: str) -> HttpResponse:
    central = services.get_central_organisation(central_key)
    if not services.may_edit_contacts(request.user):
        raise PermissionDenied(services.CONTACT_REFUSAL)
    form = ContactForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.add_contact_at_central(request.user, central, form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(
                request, f"{contact.name} has been added to {central.name} for your office."
            )
            return redirect("directory:central", central_key=central.key)
    back = reverse("directory:central", kwargs={"central_key": central.key})
    return _contact_form_page(request, form, central, back)


@login_required
def edit_contact(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = services.get_contact_for(request.user, contact_id)
    if not services.may_edit_contacts(request.user):
        raise PermissionDenied(services.CONTACT_REFUSAL)
    organisation = contact.organisation
    form = ContactForm(_posted(request), initial=_initial(contact))
    if request.method == "POST" and form.is_valid():
        try:
            services.change_contact(request.user, contact, form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"{contact.name}’s details have been changed.")
            return redirect("directory:organisation", organisation_id=organisation.pk)
    details = organisation.central if organisation.is_link else organisation
    back = reverse("directory:organisation", kwargs={"organisation_id": organisation.pk})
    return _contact_form_page(request, form, details, back, contact=contact)
