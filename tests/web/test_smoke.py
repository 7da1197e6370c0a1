"""The app answers: home page, health check, sign-in."""
from tests.factories.accounts import ORGANISER_EMAIL, ORGANISER_PASSWORD
from tests.web.forms import post_form


def test_home_without_edition(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "have not been announced yet" in response.get_data(as_text=True)


def test_healthz(client):
    assert client.get("/healthz").status_code == 200


def test_organiser_signs_in(client, organiser):
    response = post_form(client, "/sign-in", {"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD})
    assert response.status_code == 303
    assert client.get("/admin/").status_code == 200


def test_floor_answers_without_the_database(app, monkeypatch):
    from awards_app.extensions import db

    def no_database(*args, **kwargs):
        raise AssertionError("the floor route must not touch the database")

    monkeypatch.setattr(db.session, "execute", no_database)
    response = app.test_client().get("/floor")
    assert response.status_code == 200 and response.get_data(as_text=True) == "floor\n"
