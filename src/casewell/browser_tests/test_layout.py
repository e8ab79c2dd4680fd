"""The layout every page shares: landmarks, scripts under the CSP, no GOV.UK branding."""

import pytest

from casewell.browser_tests.pages import HomePage

pytestmark = pytest.mark.browser


def test_every_page_has_banner_navigation_main_and_footer_landmarks(cast, signed_in):
    home = signed_in(cast.ada).open("/", HomePage)
    page = home.page

    assert page.get_by_role("banner").count() == 1
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("contentinfo").count() == 1
    assert page.get_by_role("navigation", name="Your account").count() == 1


def test_the_scripts_run_under_the_strict_policy_without_complaint(cast, signed_in):
    ada = signed_in(cast.ada)
    home = ada.open("/", HomePage)

    policy = home.page.request.get(ada.url("/")).headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    # casewell.js ran: GOV.UK Frontend is initialised and htmx is loaded.
    home.page.wait_for_function("() => window.htmx !== undefined")
    assert home.page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    assert home.page.evaluate("document.querySelector('[style], script:not([src])') === null")
    ada.assert_no_problems()


def test_an_inline_script_is_refused_and_the_test_notices(cast, signed_in):
    ada = signed_in(cast.ada)
    home = ada.open("/", HomePage)

    home.page.evaluate(
        """() => { const script = document.createElement("script");
                   script.textContent = "window.inlineRan = true";
                   document.head.appendChild(script); }"""
    )
    home.page.wait_for_function("() => document.readyState === 'complete'")

    assert home.page.evaluate("window.inlineRan") is None
    assert any("CSP violation: script-src" in problem for problem in ada.problems), ada.problems
    ada.problems.clear()


def test_there_is_no_crown_no_govuk_logo_and_no_gds_transport(cast, signed_in):
    home = signed_in(cast.ada).open("/", HomePage)
    page = home.page

    assert page.locator("svg, img").count() == 0
    assert "GOV.UK" not in page.locator("header").inner_text()
    assert page.locator("header").get_by_role("link", name="Casewell").is_visible()
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "GDS Transport" not in font
    loaded_fonts = page.evaluate("[...document.fonts].map(font => font.family)")
    assert loaded_fonts == []
