"""The people an office serves, in the office's own word for them.

Thin: each view looks records up through ``get_for`` (404 for anything not in
the user's office), hands changes to the services, and shows a refusal on the
form against the field it names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from casewell.files.services import file_response
from casewell.offices.permissions import get_for, is_manager
from casewell.people import consent, documents, merging, services
from casewell.people.duplicates import duplicates_of, identity_from_details, likely_duplicates
from casewell.people.forms import (
    AddressForm,
    AuthorityForm,
    DocumentForm,
    EmailForm,
    NewPersonForm,
    PermissionFormForm,
    PersonForm,
    PhoneForm,
    ScanForm,
    SignedForm,
    VulnerabilityNoteForm,
)
from casewell.people.models import (
    Address,
    PermissionForm,
    Person,
    PersonEmail,
    PersonMerge,
    PhoneNumber,
    ThirdPartyAuthority,
)
from casewell.people.phones import national_format
from casewell.wellbeing import services as wellbeing

PAGE_SIZE = 25


class PeopleFilterForm(forms.Form):
    name = forms.CharField(required=False, max_length=200, label="Name")
    postcode = forms.CharField(
        required=False,
        max_length=10,
        label="Postcode",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
    )


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _show_refusal(
    form: forms.Form, error: ValidationError, renamed: dict[str, str] | None = None
) -> None:
    """Put a service's refusal on the form, against the field it names when the form has it."""
    renamed = renamed or {}
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            name = renamed.get(field, field)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _person(request: HttpRequest, person_id: int) -> Person:
    return services.get_person_for(request.user, person_id)


def _to_person(person: Person, anchor: str = "") -> HttpResponse:
    url = reverse("people:detail", kwargs={"person_id": person.pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


# --- The list and one person -------------------------------------------------------------------


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
    person = _person(request, person_id)
    addresses = list(person.addresses.all())
    phones = list(person.phone_numbers.all())
    emails = list(person.email_addresses.all())
    for phone in phones:
        phone.shown = national_format(phone.number)
    kept = list(person.documents.select_related("stored_file", "uploaded_by"))
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            # People added in bulk have only the copies on Person: show those.
            "addresses": addresses,
            "phones": phones,
            "emails": emails,
            "copied_phone": national_format(person.phone) if not phones else "",
            "note_count": services.count_vulnerability_notes(person),
            "authorities": list(person.authorities.select_related("acting_person")),
            "permission": consent.permission_status(person),
            "permission_forms": list(
                person.permission_forms.only(
                    "id",
                    "person_id",
                    "office_id",
                    "full_name",
                    "signed_on",
                    "valid_until",
                    "withdrawn_at",
                    "recorded_at",
                    "agencies",
                )
            ),
            "documents": kept,
            # Content warnings for documents flagged as distressing (two queries).
            "document_warnings": wellbeing.warnings_for(
                request.user, wellbeing.ItemKind.PERSON_DOCUMENT, [d.pk for d in kept]
            ),
            "merged_people": list(person.merged_people.all()),
            "merges": list(
                PersonMerge.objects.filter(kept=person, undone_at__isnull=True).select_related(
                    "merged"
                )
            ),
            "is_manager": is_manager(request.user),
        },
    )


# --- Adding and changing a person ---------------------------------------------------------------


def _details_from(form: NewPersonForm) -> services.PersonDetails:
    data = form.cleaned_data
    fields = services.PersonDetails.__dataclass_fields__
    return services.PersonDetails(**{name: data[name] for name in fields if name in data})


@login_required
def person_add(request: HttpRequest) -> HttpResponse:
    """Add a person; if they look like someone already on record, say so before saving."""
    form = NewPersonForm(_posted(request))
    duplicates: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            details = services.check_person_details(_details_from(form))
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            if not form.cleaned_data["confirmed_new"]:
                duplicates = likely_duplicates(
                    identity_from_details(
                        first_name=details.first_name,
                        last_name=details.last_name,
                        preferred_name=details.preferred_name,
                        date_of_birth=details.date_of_birth,
                        email=details.email,
                        phone=details.phone,
                        postcode=details.postcode,
                    ),
                    office_id=request.user.office_id,
                )
            if not duplicates:
                person = services.create_person(request.user, details)
                messages.success(request, f"{person.display_name} has been added.")
                return _to_person(person)
    return render(
        request,
        "people/person_add.html",
        {"form": form, "duplicates": duplicates},
    )


@login_required
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    initial = {name: getattr(person, name) for name in services.PERSON_FIELDS}
    initial["needs_interpreter"] = "yes" if person.needs_interpreter else "no"
    if person.date_of_birth:
        initial["date_of_birth"] = f"{person.date_of_birth:%d %m %Y}"
    form = PersonForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(request.user, person, **form.cleaned_data)
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, f"{person.display_name}'s details have been changed.")
            return _to_person(person)
    return render(request, "people/person_edit.html", {"person": person, "form": form})


def _add_to_person(
    request: HttpRequest,
    person_id: int,
    form_class: type[forms.Form],
    add: Callable[..., Any],
    *,
    template: str,
    done: str,
    anchor: str,
) -> HttpResponse:
    person = _person(request, person_id)
    form = form_class(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            add(request.user, person, **form.cleaned_data)
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, done)
            return _to_person(person, anchor)
    return render(request, template, {"person": person, "form": form})


@login_required
def address_add(request: HttpRequest, person_id: int) -> HttpResponse:
    return _add_to_person(
        request,
        person_id,
        AddressForm,
        services.add_address,
        template="people/address_add.html",
        done="The address has been added.",
        anchor="contact",
    )


@login_required
def phone_add(request: HttpRequest, person_id: int) -> HttpResponse:
    return _add_to_person(
        request,
        person_id,
        PhoneForm,
        services.add_phone,
        template="people/phone_add.html",
        done="The phone number has been added.",
        anchor="contact",
    )


@login_required
def email_add(request: HttpRequest, person_id: int) -> HttpResponse:
    return _add_to_person(
        request,
        person_id,
        EmailForm,
        services.add_email,
        template="people/email_add.html",
        done="The e-mail address has been added.",
        anchor="contact",
    )


def _row_action(
    request: HttpRequest, model: type[Any], pk: int, action: Callable[..., None], done: str
) -> HttpResponse:
    row = get_for(request.user, model, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        action(request.user, row)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return _to_person(row.person, "contact")


@login_required
def address_make_current(request: HttpRequest, address_id: int) -> HttpResponse:
    return _row_action(
        request,
        Address,
        address_id,
        services.make_address_current,
        "That address is now the current one.",
    )


@login_required
def address_remove(request: HttpRequest, address_id: int) -> HttpResponse:
    return _row_action(
        request, Address, address_id, services.remove_address, "The address has been removed."
    )


@login_required
def phone_make_main(request: HttpRequest, phonenumber_id: int) -> HttpResponse:
    return _row_action(
        request,
        PhoneNumber,
        phonenumber_id,
        services.make_phone_main,
        "That number is now the main one.",
    )


@login_required
def phone_remove(request: HttpRequest, phonenumber_id: int) -> HttpResponse:
    return _row_action(
        request,
        PhoneNumber,
        phonenumber_id,
        services.remove_phone,
        "The phone number has been removed.",
    )


@login_required
def email_make_main(request: HttpRequest, personemail_id: int) -> HttpResponse:
    return _row_action(
        request,
        PersonEmail,
        personemail_id,
        services.make_email_main,
        "That e-mail address is now the main one.",
    )


@login_required
def email_remove(request: HttpRequest, personemail_id: int) -> HttpResponse:
    return _row_action(
        request,
        PersonEmail,
        personemail_id,
        services.remove_email,
        "The e-mail address has been removed.",
    )


# --- Vulnerability notes --------------------------------------------------------------------------


@login_required
def vulnerability_notes(request: HttpRequest, person_id: int) -> HttpResponse:
    """Reading the notes is a deliberate step: this page logs every note it shows."""
    person = _person(request, person_id)
    form = VulnerabilityNoteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_vulnerability_note(request.user, person, form.cleaned_data["text"])
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, "The note has been added.")
            return redirect("people:vulnerability_notes", person_id=person.pk)
    notes = services.read_vulnerability_notes(request.user, person)
    return render(
        request,
        "people/vulnerability_notes.html",
        {"person": person, "notes": notes, "form": form},
    )


# --- Who may act for them ------------------------------------------------------------------------


@login_required
def authority_add(request: HttpRequest, person_id: int) -> HttpResponse:
    return _add_to_person(
        request,
        person_id,
        AuthorityForm,
        consent.add_authority,
        template="people/authority_add.html",
        done="Who may act for them has been recorded.",
        anchor="authority",
    )


@login_required
@require_POST
def authority_end(request: HttpRequest, thirdpartyauthority_id: int) -> HttpResponse:
    authority = get_for(request.user, ThirdPartyAuthority, thirdpartyauthority_id)
    consent.end_authority(request.user, authority)
    messages.success(request, f"{authority.name} may no longer act for them.")
    return _to_person(authority.person, "authority")


# --- Permission forms -----------------------------------------------------------------------------


@login_required
def permission_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    initial = consent.permission_form_defaults(person)
    if initial["date_of_birth"]:
        initial["date_of_birth"] = f"{initial['date_of_birth']:%d %m %Y}"
    form = PermissionFormForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record = consent.record_permission_form(request.user, person, **form.cleaned_data)
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, "The permission form has been recorded.")
            return redirect("people:permission_form", permissionform_id=record.pk)
    return render(request, "people/permission_add.html", {"person": person, "form": form})


@login_required
def permission_form(request: HttpRequest, permissionform_id: int) -> HttpResponse:
    """One form in full (its National Insurance number too): the read is logged."""
    record = get_for(request.user, PermissionForm, permissionform_id)
    signed = SignedForm(_posted(request))
    if request.method == "POST" and signed.is_valid():
        try:
            consent.mark_permission_form_signed(request.user, record, **signed.cleaned_data)
        except ValidationError as error:
            _show_refusal(signed, error)
        else:
            messages.success(request, "The form has been recorded as signed.")
            return redirect("people:permission_form", permissionform_id=record.pk)
    return _permission_page(request, record, signed_form=signed)


def _permission_page(
    request: HttpRequest,
    record: PermissionForm,
    *,
    signed_form: forms.Form | None = None,
    scan_form: forms.Form | None = None,
) -> HttpResponse:
    return render(
        request,
        "people/permission_form.html",
        {
            "record": record,
            "person": record.person,
            "signed_form": signed_form or SignedForm(),
            "scan_form": scan_form or ScanForm(),
            "national_insurance": consent.national_insurance_display(
                record.national_insurance_number
            ),
            "status": consent.permission_status(record.person),
        },
    )


@login_required
@require_POST
def permission_pdf(request: HttpRequest, permissionform_id: int) -> HttpResponse:
    record = get_for(request.user, PermissionForm, permissionform_id)
    pdf = consent.permission_form_pdf(record)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="permission-form-{record.pk}.pdf"'
    return response


@login_required
@require_POST
def permission_scan_upload(request: HttpRequest, permissionform_id: int) -> HttpResponse:
    record = get_for(request.user, PermissionForm, permissionform_id)
    form = ScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            consent.attach_signed_scan(
                request.user,
                record,
                form.cleaned_data["scan"],
                signed_on=form.cleaned_data["signed_on"],
            )
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, "The signed form has been uploaded.")
            return redirect("people:permission_form", permissionform_id=record.pk)
    return _permission_page(request, record, scan_form=form)


@login_required
@require_POST
def permission_scan(request: HttpRequest, permissionform_id: int) -> HttpResponse:
    """The signed scan, decrypted and streamed (only after the form itself was looked up)."""
    record = get_for(request.user, PermissionForm, permissionform_id)
    if record.scan is None:
        raise Http404("No signed form has been uploaded.")
    return file_response(
        record.scan, download_name=f"signed-permission-form-{record.pk}{_suffix(record.scan)}"
    )


def _suffix(stored: Any) -> str:
    name = stored.original_name
    return name[name.rfind(".") :] if "." in name else ""


@login_required
@require_POST
def permission_withdraw(request: HttpRequest, permissionform_id: int) -> HttpResponse:
    record = get_for(request.user, PermissionForm, permissionform_id)
    consent.withdraw_permission_form(request.user, record)
    messages.success(request, "The permission form has been withdrawn.")
    return _to_person(record.person, "permission")


# --- Duplicates and merging ----------------------------------------------------------------


@login_required
def duplicates(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    return render(
        request,
        "people/duplicates.html",
        {
            "person": person,
            "matches": duplicates_of(person),
            "is_manager": is_manager(request.user),
        },
    )


def _require_manager(request: HttpRequest) -> None:
    if not is_manager(request.user):
        raise PermissionDenied("Only the office's managers may merge records.")


@login_required
def merge(request: HttpRequest, person_id: int) -> HttpResponse:
    """Merge another record (``?with=<id>``) into this one, after seeing both side by side."""
    person = _person(request, person_id)
    _require_manager(request)
    other_id = request.POST.get("with") or request.GET.get("with")
    if not other_id:
        return render(
            request,
            "people/merge_choose.html",
            {"person": person, "matches": duplicates_of(person)},
        )
    other = services.get_person_for(request.user, other_id)
    problem = ""
    if request.method == "POST":
        try:
            merging.merge_people(request.user, kept=person, merged=other)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(
                request,
                f"{other.display_name}'s record has been merged into this one. "
                "You can undo this for 30 days.",
            )
            return _to_person(person)
    return render(
        request,
        "people/merge_confirm.html",
        {"person": person, "other": other, "problem": problem},
    )


@login_required
def unmerge(request: HttpRequest, personmerge_id: int) -> HttpResponse:
    record = get_for(request.user, PersonMerge, personmerge_id)
    _require_manager(request)
    allowed, reason = merging.can_unmerge(record)
    if request.method == "POST":
        try:
            restored = merging.unmerge_people(request.user, record)
        except ValidationError as error:
            reason = " ".join(error.messages)
        else:
            messages.success(request, f"{restored.display_name}'s record has been separated again.")
            return _to_person(restored)
    return render(
        request,
        "people/unmerge.html",
        {
            "merge": record,
            "allowed": allowed and not reason,
            "reason": reason,
            "summary": merging.describe_moves(record.moves),
            "deadline": merging.undo_deadline(record),
        },
    )


# --- Documents on the record --------------------------------------------------------------------


@login_required
def document_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    form = DocumentForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            documents.add_document(
                request.user,
                person,
                form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, "The document has been uploaded.")
            return _to_person(person, "documents")
    return render(
        request,
        "people/document_add.html",
        {"person": person, "form": form, "max_upload_mb": settings.MAX_UPLOAD_MB},
    )


@login_required
def document_download(request: HttpRequest, persondocument_id: int) -> HttpResponse:
    """The document, decrypted and streamed, only after its person was found visible."""
    document = documents.get_document_for(request.user, persondocument_id)
    return file_response(document.stored_file)


@login_required
@require_POST
def document_remove(request: HttpRequest, persondocument_id: int) -> HttpResponse:
    document = documents.get_document_for(request.user, persondocument_id)
    try:
        documents.remove_document(request.user, document)
    except (PermissionDenied, ValidationError) as refusal:
        messages.error(request, " ".join(getattr(refusal, "messages", [str(refusal)])))
    else:
        messages.success(request, "The document has been removed.")
    return _to_person(document.person, "documents")
