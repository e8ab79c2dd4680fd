"""Every page, opened by someone allowed to see it, passes axe-core with WCAG 2.2 AA.

Casewell's own pages are found by walking the URL configuration (routes.py);
pages from elsewhere (sign-in, account) and pages opened in a special way are
listed in SPECIAL_PAGES, one line each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from casewell.browser_tests.pages import AnyPage, NotFoundPage, Visitor
from casewell.browser_tests.routes import Route, casewell_pages, north_kwargs
from casewell.offices.models import Role
from casewell.offices.services import add_staff_member
from casewell.testing.cast import PASSWORD, Cast, enrol_totp

pytestmark = pytest.mark.browser


def _join_token(cast: Cast) -> dict[str, object]:
    from casewell.offices.invitations import invitation_link_token, invite_staff

    invitation = invite_staff(
        cast.amir, email="joiner@nr.example", full_name="Jo Iner", roles=["caseworker"]
    )
    return {"token": invitation_link_token(invitation)}


def _recovery_codes(cast: Cast) -> dict[str, object]:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    RecoveryCodes.activate(cast.ada)
    return {}


@dataclass(frozen=True)
class Special:
    url_name: str
    signed_in: bool = True
    kwargs: Callable[[Cast], dict[str, object]] = field(default=lambda cast: {})
    status: int = 200


# Pages the walk cannot open by itself: one line each.
SPECIAL_PAGES = [
    Special("account_login", signed_in=False),
    Special("account_reset_password", signed_in=False),
    Special("account_reset_password_done", signed_in=False),
    Special("account_logout"),
    Special("account_change_password"),
    Special("account_reauthenticate"),
    Special("mfa_index"),
    Special("mfa_reauthenticate"),
    Special("mfa_view_recovery_codes", kwargs=_recovery_codes),
    Special("mfa_generate_recovery_codes"),
    Special("mfa_deactivate_totp"),
    Special("office:join", signed_in=False, kwargs=_join_token),
]


@pytest.fixture
def everyone(cast: Cast):
    """A North member of staff with every role, who may open every North page."""
    user = add_staff_member(
        cast.north,
        email="eve@nr.example",
        full_name="Eve Everyrole",
        roles=list(Role),
        password=PASSWORD,
    )
    enrol_totp(user)
    return user


PAGES = [
    route for route in casewell_pages() if route.name not in {s.url_name for s in SPECIAL_PAGES}
]
WALKED_NAMES = {route.name for route in PAGES}


def test_the_walk_finds_casewells_pages():
    assert "home" in WALKED_NAMES
    assert len(PAGES) >= 1


@pytest.mark.parametrize("route", PAGES, ids=str)
def test_every_casewell_page_passes_axe(route: Route, cast, everyone, signed_in):
    visitor: Visitor = signed_in(everyone)
    path = reverse(route.name, kwargs=north_kwargs(route, cast) or None)

    # Ask first without the browser: actions that only take a POST have no page to check.
    answer = visitor.page.request.get(visitor.url(path), max_redirects=0)
    if answer.status == 405:
        return
    assert answer.status in (200, 301, 302), (
        f"{path} answered {answer.status} to someone with every role"
    )
    visitor.open(path, AnyPage)


@pytest.mark.parametrize("special", SPECIAL_PAGES, ids=lambda special: special.url_name)
def test_every_special_page_passes_axe(special: Special, cast, visitor, signed_in):
    who = signed_in(cast.ada) if special.signed_in else visitor
    who.open(
        reverse(special.url_name, kwargs=special.kwargs(cast) or None),
        AnyPage,
        status=special.status,
    )


def test_the_page_not_found_page_passes_axe_signed_in_and_out(cast, visitor, signed_in):
    signed_in(cast.ada).open("/no-such-page/", NotFoundPage, status=404)
    visitor.open("/no-such-page/", NotFoundPage, status=404)


def test_cleo_gets_page_not_found_for_norths_staff_member(cast, signed_in):
    signed_in(cast.cleo).open(
        reverse("office:staff_member", kwargs={"user_id": cast.ada.pk}), NotFoundPage, status=404
    )


@pytest.mark.parametrize("template", ["500.html", "403.html", "403_csrf.html"])
def test_the_error_pages_pass_axe(template, visitor, live_server, db):
    # Django renders 500.html without a request (the failure may be in the context
    # processors), so render it the same way and check what a browser would get.
    from django.template import loader

    html = loader.get_template(template).render()
    visitor.page.route(
        f"{live_server.url}/error-page/",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            body=html,
        ),
    )
    page = visitor.open("/error-page/", AnyPage)
    assert page.heading
