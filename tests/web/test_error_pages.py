"""Friendly error pages in the site's layout, and a 503 when the database is down."""
import pytest
from werkzeug.exceptions import RequestEntityTooLarge

from tests.fixtures.apps import side_app

STATUSES = [400, 403, 404, 405, 413, 429, 500, 503]


@pytest.fixture(scope="module")
def failing_app(tmp_path_factory):
    """An app with routes that fail in every way a visitor could meet."""
    app = side_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path_factory.mktemp('err') / 'e.db'}",
            "SECRET_KEY": "x",
            "PROPAGATE_EXCEPTIONS": False,
        }
    )
    from flask import abort

    @app.get("/fail/<int:status>")
    def fail(status):
        if status == 500:
            raise RuntimeError("secret detail that must never reach a visitor")
        if status == 413:
            raise RequestEntityTooLarge()
        abort(status)

    return app


@pytest.mark.parametrize("status", STATUSES)
def test_each_error_has_a_friendly_page(failing_app, status):
    client = failing_app.test_client()
    response = client.get(f"/fail/{status}") if status != 405 else client.post("/healthz")
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert '<main id="main"' in page  # in the site's layout
    assert "Self Management Awards" in page
    assert f"Error code {status}" in page
    assert "Traceback" not in page and "secret detail" not in page
    assert response.headers["Cache-Control"] == "no-store"


def test_500_is_logged_but_not_shown(failing_app, caplog):
    response = failing_app.test_client().get("/fail/500")
    assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)
    assert "secret detail" in caplog.text


def test_405_says_what_is_allowed(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_htmx_errors_become_a_visible_message(failing_app):
    response = failing_app.test_client().get("/fail/429", headers={"HX-Request": "true"})
    assert response.status_code == 429
    assert response.headers["HX-Retarget"] == "#messages"
    page = response.get_data(as_text=True)
    assert "Too many attempts" in page and "<html" not in page


def test_too_large_request_gets_413(client):
    response = client.post("/sign-in", data={"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_unknown_page_is_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.fixture(scope="module")
def app_without_database(tmp_path_factory):
    """The app pointed at a PostgreSQL port where nothing listens: the database is down."""
    return side_app(
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2",
            "SECRET_KEY": "x",
        }
    )


def test_database_down_gives_503_pages(app_without_database):
    client = app_without_database.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    home = client.get("/")
    page = home.get_data(as_text=True)
    assert home.status_code == 503
    assert "Sorry, the service is unavailable" in page
    assert "Traceback" not in page and "psycopg" not in page


def test_a_clash_at_the_database_is_a_409_page_not_a_500(tmp_path):
    from sqlalchemy.exc import IntegrityError

    app = side_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.db'}", "SECRET_KEY": "x"})

    @app.get("/clash")
    def clash():
        raise IntegrityError("INSERT ...", {}, Exception("UNIQUE constraint failed"))

    response = app.test_client().get("/clash")
    assert response.status_code == 409
    assert "Someone else changed this at the same time" in response.get_data(as_text=True)


def test_an_id_too_large_for_the_database_is_a_404(organiser_client):
    response = organiser_client.get("/admin/editions/99999999999999999")
    assert response.status_code == 404


def test_a_value_the_database_refuses_is_the_request_s_fault_not_an_outage(tmp_path):
    """A DataError (e.g. a NUL byte PostgreSQL will not store) gets the 400 page, never 'service unavailable'."""
    from sqlalchemy.exc import DataError

    app = side_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.db'}", "SECRET_KEY": "x"})

    @app.get("/refused")
    def refused():
        raise DataError("INSERT ...", {}, ValueError("NUL bytes are not allowed"))

    response = app.test_client().get("/refused")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Something was wrong with that request" in body
    assert "unavailable" not in body and "NUL" not in body and "INSERT" not in body
