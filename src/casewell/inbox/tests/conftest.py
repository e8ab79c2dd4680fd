import pytest
from django.test import Client

from casewell.offices.tokens import create_token


@pytest.fixture(autouse=True)
def _files_in_a_folder_of_their_own(data_folder):
    """Every test here stores files: each in its own folder (the shared data_folder)."""


@pytest.fixture
def api_as():
    """An API client holding a personal token of the given member of staff."""

    def client(user) -> Client:  # noqa: ANN001
        _record, token = create_token(user, "Inbox tests")
        return Client(headers={"Authorization": f"Bearer {token}"})

    return client
