"""The office's own pages: staff, invitations, its details, the audit trail, the access log.

Thin: each view checks who is asking, looks records up through ``get_for`` and
hands every change to ``offices.services``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account.internal.flows.reauthentication import reauthenticate_by_password
from allauth.account.utils import perform_login
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from casewell.offices import invitations as invites
from casewell.offices import services
from casewell.offices.forms_staff import (
    AccessLogFilterForm,
    AuditFilterForm,
    InviteForm,
    JoinForm,
    OfficeDetailsForm,
    RolesForm,
    record_type_name,
)
from casewell.offices.lockout import unlock_account
from casewell.offices.middleware import SECOND_FACTORS
from casewell.offices.models import AccessLogEntry, AuditEntry, Invitation, User, role_label
from casewell.offices.permissions import get_for, is_administrator

TRAIL_PAGE_SIZE = 50
View = Callable[..., HttpResponse]


def administrator_required(view: View) -> View:
    """Signed in, and an administrator of their office; anyone else is refused (403)."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_administrator(request.user):
            raise PermissionDenied("Only the office's administrators may see this page.")
        return view(request, *args, **kwargs)

    return wrapped


def _page(request: HttpRequest, queryset: QuerySet[Any], per_page: int) -> dict[str, Any]:
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "page_numbers": page.paginator.get_elided_page_range(
            page.number, on_each_side=2, on_ends=1
        ),
        "query": query.urlencode(),
    }


def _form_errors_from(form: Any, error: ValidationError) -> None:
    """Show a service's refusal on the form, against the field it names when it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _posted(request: HttpRequest) -> Any:
    """The submitted data, even when empty (an empty form must show its errors)."""
    return request.POST if request.method == "POST" else None


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# --- Staff --------------------------------------------------------------------------------


def _staff_queryset(request: HttpRequest) -> QuerySet[User]:
    enrolled = Authenticator.objects.filter(user=OuterRef("pk"), type__in=SECOND_FACTORS)
    return (
        User.objects.filter(office=request.user.office)
        .annotate(has_second_factor=Exists(enrolled))
        .prefetch_related("staff_roles")
        .order_by("full_name", "id")
    )


def _role_names(user: User, vocabulary: Any) -> list[str]:
    # From the prefetched rows, not user.roles, so the list costs no query per person.
    return [role_label(row.role, vocabulary) for row in user.staff_roles.all()]


@administrator_required
def staff_list(request: HttpRequest) -> HttpResponse:
    vocabulary = request.user.office.vocabulary
    staff = list(_staff_queryset(request))
    for member in staff:
        member.role_names = _role_names(member, vocabulary)
    return render(request, "offices/staff_list.html", {"staff": staff, "section": "staff"})


@administrator_required
def staff_member(request: HttpRequest, user_id: int) -> HttpResponse:
    member = get_for(request.user, User, user_id)
    office = request.user.office
    form = RolesForm(_posted(request), office=office, initial={"roles": sorted(member.roles)})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_roles(request.user, member, form.cleaned_data["roles"])
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"{member.full_name}'s roles have been changed.")
            return redirect("office:staff_member", user_id=member.pk)
    member_row = _staff_queryset(request).get(pk=member.pk)
    return render(
        request,
        "offices/staff_member.html",
        {
            "member": member_row,
            "role_names": _role_names(member_row, office.vocabulary),
            "form": form,
            "is_self": member.pk == request.user.pk,
            "section": "staff",
        },
    )


def _staff_action(
    request: HttpRequest, user_id: int, action: Callable[[User, User], None], done: str
) -> HttpResponse:
    member = get_for(request.user, User, user_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        action(request.user, member)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done.format(name=member.full_name))
    return redirect("office:staff_member", user_id=member.pk)


@administrator_required
def staff_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    return _staff_action(
        request,
        user_id,
        services.deactivate_staff,
        "{name}'s account has been deactivated. They can no longer sign in.",
    )


@administrator_required
def staff_reactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    return _staff_action(
        request, user_id, services.reactivate_staff, "{name}'s account has been reactivated."
    )


@administrator_required
def staff_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    return _staff_action(request, user_id, unlock_account, "{name}'s account has been unlocked.")


# --- Invitations ------------------------------------------------------------------------------


@administrator_required
def invitations(request: HttpRequest) -> HttpResponse:
    # Waiting and expired ones: an expired invitation can still be re-sent or withdrawn.
    waiting = list(
        Invitation.objects.filter(accepted_at__isnull=True, withdrawn_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created_at", "-id")
    )
    vocabulary = request.user.office.vocabulary
    for invitation in waiting:
        invitation.role_names = [role_label(role, vocabulary) for role in invitation.roles]
    return render(
        request, "offices/invitations.html", {"invitations": waiting, "section": "invitations"}
    )


@administrator_required
def invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(_posted(request), office=request.user.office)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invites.invite_staff(
                request.user, site_url=_site_url(request), **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"An invitation has been sent to {invitation.email}.")
            return redirect("office:invitations")
    return render(request, "offices/invite.html", {"form": form, "section": "invitations"})


def _invitation_action(
    request: HttpRequest, invitation_id: int, action: Callable[..., None], done: str, **kwargs: Any
) -> HttpResponse:
    invitation = get_for(request.user, Invitation, invitation_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        action(request.user, invitation, **kwargs)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done.format(email=invitation.email))
    return redirect("office:invitations")


@administrator_required
def invitation_withdraw(request: HttpRequest, invitation_id: int) -> HttpResponse:
    return _invitation_action(
        request,
        invitation_id,
        invites.withdraw_invitation,
        "The invitation to {email} has been withdrawn. Its link no longer works.",
    )


@administrator_required
def invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    return _invitation_action(
        request,
        invitation_id,
        invites.resend_invitation,
        "A new invitation has been sent to {email}. The old link no longer works.",
        site_url=_site_url(request),
    )


@never_cache
def join(request: HttpRequest, token: str) -> HttpResponse:
    """Where an invitation's link lands: the invitee chooses a password and is signed in."""
    if request.user.is_authenticated:
        return render(request, "offices/join_signed_in.html", status=403)
    try:
        invitation = invites.find_invitation(token)
    except invites.InvitationUnusable as unusable:
        status = 404 if unusable.office is None else 410
        return render(
            request,
            "offices/join_unusable.html",
            {"reason": unusable.reason, "invited_office": unusable.office},
            status=status,
        )
    form = JoinForm(_posted(request), new_member=invites.new_member_for(invitation))
    if request.method == "POST" and form.is_valid():
        try:
            user = invites.accept_invitation(token, form.cleaned_data["password1"])
        except invites.InvitationUnusable as unusable:
            return render(
                request,
                "offices/join_unusable.html",
                {"reason": unusable.reason, "invited_office": unusable.office},
                status=410,
            )
        except ValidationError as error:
            form.add_error("password1", error.messages)
        else:
            response = perform_login(request, user, redirect_url=reverse("home"))
            # They proved the password seconds ago: record it as allauth's own password
            # check does, so enrolling the second factor (where the middleware sends
            # them next) does not ask for it again.
            reauthenticate_by_password(request)
            return response
    return render(
        request,
        "offices/join.html",
        {
            "form": form,
            "invitation": invitation,
            "invited_office": invitation.office,
            "role_names": [
                role_label(role, invitation.office.vocabulary) for role in invitation.roles
            ],
        },
    )


# --- The office's details -----------------------------------------------------------------------


@administrator_required
def office_details(request: HttpRequest) -> HttpResponse:
    office = request.user.office
    initial = {name: getattr(office, name) for name in services.OFFICE_DETAILS}
    form = OfficeDetailsForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_office(request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, "The office's details have been saved.")
            return redirect("office:details")
    return render(request, "offices/office_details.html", {"form": form, "section": "details"})


# --- The audit trail and the access log ---------------------------------------------------------


def _record_types(model: type[AuditEntry] | type[AccessLogEntry]) -> list[str]:
    return sorted(
        model.objects.exclude(subject_type="").values_list("subject_type", flat=True).distinct()
    )


@administrator_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    office = request.user.office
    form = AuditFilterForm(
        request.GET or None, office=office, record_types=_record_types(AuditEntry)
    )
    entries = form.apply(AuditEntry.objects.select_related("actor").order_by("-at", "-id"))
    context = _page(request, entries, TRAIL_PAGE_SIZE)
    for entry in context["page"].object_list:
        entry.record_type = record_type_name(entry.subject_type, office)
    return render(
        request, "offices/audit_trail.html", {**context, "form": form, "section": "audit"}
    )


@administrator_required
def access_log(request: HttpRequest) -> HttpResponse:
    office = request.user.office
    form = AccessLogFilterForm(
        request.GET or None, office=office, record_types=_record_types(AccessLogEntry)
    )
    entries = form.apply(AccessLogEntry.objects.select_related("user").order_by("-at", "-id"))
    context = _page(request, entries, TRAIL_PAGE_SIZE)
    channels = dict(AccessLogFilterForm.CHANNELS)
    for entry in context["page"].object_list:
        entry.record_type = record_type_name(entry.subject_type, office)
        entry.channel_words = channels.get(entry.channel, entry.channel)
    return render(
        request, "offices/access_log.html", {**context, "form": form, "section": "access"}
    )
