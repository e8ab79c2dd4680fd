import pytest
from django.test import Client
from hypothesis import settings as hypothesis_settings

from casewell.offices.models import User
from casewell.testing.cast import Cast, make_cast

# Defined here once, so the database processes share is migrated once per test worker.
from casewell.testing.processes import migrated_template, processes  # noqa: F401 - fixtures

# The property tests explore the same examples on every run, so a red run is one anyone can
# repeat; a new finding becomes a plain test of its own (see the inbox parsing tests).
hypothesis_settings.register_profile("casewell", derandomize=True, database=None)
hypothesis_settings.load_profile("casewell")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: ids are reused between tests, so a working
    pattern or rate-limit count kept for one test's user, or a file key read for one
    test's office, must not meet the next test's."""
    from django.core.cache import cache

    from casewell.files.keys import forget_office_keys

    cache.clear()
    forget_office_keys()


@pytest.fixture
def data_folder(settings, tmp_path):
    """Each test that stores files keeps them, encrypted, in a folder of its own."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


@pytest.fixture
def client_for():
    """A browser-less client signed in as someone (second factor already passed)."""

    def sign_in(user: User) -> Client:
        from casewell.notify.services import remembered_pattern_of

        client = Client()
        client.force_login(user)
        # As after their first page: the working pattern every page asks about is cached, so
        # tests counting a page's queries count the page, not the first visit's cache fill.
        remembered_pattern_of(user)
        return client

    return sign_in
