import pytest

from casewell.browser_tests.pages import (
    EnrolSecondFactorPage,
    HomePage,
    SignInPage,
)
from casewell.offices.models import Role
from casewell.offices.services import add_staff_member
from casewell.testing.cast import PASSWORD
from casewell.testing.totp import totp_code

pytestmark = pytest.mark.browser


def test_signing_in_with_password_and_authenticator_code_reaches_the_home_page(cast, visitor):
    sign_in = visitor.open("/accounts/login/", SignInPage)

    second_factor = sign_in.sign_in(cast.ada.email, PASSWORD)
    home = second_factor.enter_code(totp_code(cast.totp_secret(cast.ada)))

    assert home.signed_in_person == "Ada Lovelace"
    assert home.office_name == "North Ridge constituency office"


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(cast, visitor):
    visitor.open("/", SignInPage)


def test_signing_out_returns_to_the_sign_in_page_and_home_is_closed_again(cast, signed_in):
    ada = signed_in(cast.ada)
    home = ada.open("/", HomePage)

    home.sign_out()

    ada.open("/", SignInPage)


def test_a_new_member_of_staff_must_enrol_an_authenticator_before_seeing_anything(cast, visitor):
    add_staff_member(
        cast.north,
        email="nia@nr.example",
        full_name="Nia Patel",
        roles=[Role.CASEWORKER],
        password=PASSWORD,
    )
    sign_in = visitor.open("/accounts/login/", SignInPage)

    enrol = sign_in.sign_in_expecting("nia@nr.example", PASSWORD, EnrolSecondFactorPage)
    assert enrol.page.locator("input[name=code]").is_visible()

    # Home is not reachable until an authenticator is enrolled.
    visitor.open("/", EnrolSecondFactorPage)
