"""Fixtures shared by the route tests in this folder (those of every test are in tests/conftest.py)."""
import pytest

from tests.factories.accounts import JUDGE_EMAIL, JUDGE_PASSWORD, make_judge
from tests.web.forms import sign_in


@pytest.fixture
def judge_client(client, db_session):
    """A test client signed in as a judge."""
    make_judge(password=JUDGE_PASSWORD)
    db_session.commit()
    return sign_in(client, JUDGE_EMAIL, JUDGE_PASSWORD)
