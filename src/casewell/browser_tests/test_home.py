import pytest

from casewell.browser_tests.pages import HomePage

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("person", "expected_panels"),
    [
        ("ada", {"My cases": "No cases yet.", "Shared inbox": "No messages waiting."}),
        (
            "ben",
            {"My cases": "No cases yet.", "Team workload": "No cases are assigned to anyone yet."},
        ),
        ("amir", {"Office settings": None}),
        (
            "ivy",
            {
                "My cases": "No cases yet.",
                "Your induction": "Your manager has not set up your induction yet.",
            },
        ),
        ("mo", {"Letters awaiting your approval": "No letters are waiting for you."}),
        ("wes", {"Wellbeing hub": "No events or resources yet.", "My cases": "No cases yet."}),
    ],
)
def test_each_role_sees_its_own_honest_empty_panels(cast, signed_in, person, expected_panels):
    user = getattr(cast, person)
    home = signed_in(user).open("/", HomePage)

    panels = home.panels()
    for title, text in expected_panels.items():
        assert title in panels, f"{person} should see the {title!r} panel; saw {list(panels)}"
        if text is not None:
            assert text in panels[title]
    assert home.signed_in_person == user.full_name
    assert home.office_name == "North Ridge constituency office"


def test_an_intern_does_not_see_the_managers_or_administrators_panels(cast, signed_in):
    panels = signed_in(cast.ivy).open("/", HomePage).panels()

    assert "Team workload" not in panels
    assert "Office settings" not in panels


def test_the_header_shows_the_other_office_to_its_own_staff(cast, signed_in):
    home = signed_in(cast.cleo).open("/", HomePage)

    assert home.office_name == "South Vale advice service"
    assert "North Ridge" not in home.page.content()
