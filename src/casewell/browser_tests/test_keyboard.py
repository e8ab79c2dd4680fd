import pytest
from playwright.sync_api import Page

from casewell.browser_tests.pages import HomePage, SecondFactorPage, SignInPage, tab_to
from casewell.testing.cast import PASSWORD
from casewell.testing.totp import totp_code

pytestmark = pytest.mark.browser


def focused(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => { const e = document.activeElement;
                   return {tag: e.tagName.toLowerCase(), id: e.id, name: e.name || "",
                           classes: e.className || "", text: (e.innerText || "").trim()}; }"""
    )


def test_the_first_tab_reaches_the_skip_link_and_enter_moves_focus_to_the_main_content(
    cast, signed_in
):
    ada = signed_in(cast.ada)
    home = ada.open("/", HomePage)

    home.page.keyboard.press("Tab")
    assert "govuk-skip-link" in focused(home.page)["classes"], focused(home.page)
    assert home.page.locator(".govuk-skip-link").is_visible(), (
        "The skip link must show when focused"
    )

    home.page.keyboard.press("Enter")
    assert focused(home.page)["tag"] == "main"
    assert focused(home.page)["id"] == "main-content"


def test_focus_is_visible_on_links_and_buttons(cast, signed_in):
    home = signed_in(cast.ada).open("/", HomePage)
    page = home.page

    tab_to(page, "button.casewell-link-button", most=15)
    outline = page.evaluate(
        """() => { const style = getComputedStyle(document.activeElement);
                   return {outline: style.outlineStyle, background: style.backgroundColor,
                           shadow: style.boxShadow}; }"""
    )
    # GOV.UK's focus state: a yellow background with a black underline (box shadow).
    assert outline["background"] == "rgb(255, 221, 0)", outline
    assert outline["shadow"] != "none", outline


def test_signing_in_works_with_the_keyboard_alone(cast, visitor):
    sign_in = visitor.open("/accounts/login/", SignInPage)
    page = sign_in.page

    page.keyboard.press("Tab")
    assert "govuk-skip-link" in focused(page)["classes"]
    tab_to(page, "input[name=login]", most=15)
    page.keyboard.type(cast.ben.email)
    tab_to(page, "input[name=password]", most=15)
    page.keyboard.type(PASSWORD)
    second_factor = visitor.follow(lambda: page.keyboard.press("Enter"), SecondFactorPage)

    tab_to(second_factor.page, "input[name=code]", most=15)
    second_factor.page.keyboard.type(totp_code(cast.totp_secret(cast.ben)))
    home = visitor.follow(lambda: second_factor.page.keyboard.press("Enter"), HomePage)

    assert home.signed_in_person == "Ben Okafor"
