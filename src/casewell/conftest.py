import pytest
from django.test import Client

from casewell.offices.models import User
from casewell.testing.cast import Cast, make_cast


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


@pytest.fixture
def client_for():
    """A browser-less client signed in as someone (second factor already passed)."""

    def sign_in(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return sign_in
