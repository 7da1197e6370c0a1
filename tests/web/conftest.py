"""Fixtures shared by the route tests in this folder (those of every test are in tests/conftest.py)."""
import pytest

from tests.factories import JUDGE_EMAIL, JUDGE_PASSWORD, make_judge
from tests.helpers import post_form


@pytest.fixture
def judge_client(client, db_session):
    """A test client signed in as a judge."""
    make_judge(password=JUDGE_PASSWORD)
    db_session.commit()
    response = post_form(client, "/sign-in", {"email": JUDGE_EMAIL, "password": JUDGE_PASSWORD})
    assert response.status_code == 303
    return client
