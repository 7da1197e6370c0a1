"""The shortlist pages through the test client: the organisers' publication pages (access, CSRF, consent refusals,
set times, summaries, image uploads checked by content, voting times and their lock) and the public /shortlist with
its images, which show nothing before the moment and never a count or share of votes."""
from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from awards_app.nominations.models import ConsentState
from awards_app.programme.models import Edition
from awards_app.publication import public_shortlist as publication
from awards_app.voting.models import Contest, Vote
from tests.factories.images import HTML, SVG, make_jpeg, make_png, stored_image_names
from tests.factories.programme import START, make_category, make_edition
from tests.factories.publication import SUMMARIES, shortlist_site
from tests.factories.voting import make_contest
from tests.web.forms import csrf_token_from, multipart, post_form
from tests.web.public_caches import caches, forget_cached  # noqa: F401  (caches is a fixture)

PUBLIC_PAGES = ("/", "/shortlist", "/results", "/results/present", "/privacy")


@pytest.fixture
def images(db_session):
    """The names of the images stored so far (in the database), oldest first: images()."""
    return stored_image_names


@pytest.fixture
def site(db_session, clock, images):
    """The edition of tests/factories/publication.py with its admin addresses; Morag has an image."""
    site = shortlist_site()
    other = make_edition(year=2025, start=START - timedelta(days=364))  # last year's, so never the current one
    site.other_category = make_category(other, name="Elsewhere", has_public_vote=True)
    db_session.commit()
    base = f"/admin/editions/{site.edition.id}/shortlist"
    site.page = base
    site.publish = base + "/publish"
    site.schedule = base + "/schedule"
    site.unpublish = base + "/unpublish"
    site.finalist = lambda finalist: f"{base}/finalists/{finalist.id}"
    site.upload = lambda finalist: f"{base}/finalists/{finalist.id}/image"
    site.remove = lambda finalist: f"{base}/finalists/{finalist.id}/image/remove"
    site.contest = f"{base}/categories/{site.project.id}/contest"
    return site


def text_of(response) -> str:
    """The page as text, entities decoded, spaces collapsed."""
    body = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def upload(client, site, finalist, data: bytes, filename: str):
    """Post an image file as the finalist page's upload form would."""
    token = csrf_token_from(client, site.finalist(finalist))
    body, content_type = multipart({"csrf_token": token}, {"image": (data, filename)})
    return client.post(site.upload(finalist), data=body, content_type=content_type)


def publish_now(db_session, site, organiser):
    """Publish the site's shortlist now, as the service would."""
    publication.publish_shortlist(organiser, site.edition)
    db_session.commit()


# --- Who may use the organisers' pages ----------------------------------------------------------------------------


def admin_pages(site) -> list[str]:
    """The organisers' GET pages."""
    return [site.page, site.finalist(site.morag), site.contest]


def admin_posts(site) -> list[str]:
    """The organisers' POST endpoints."""
    return [site.publish, site.schedule, site.unpublish, site.finalist(site.morag), site.upload(site.morag),
            site.remove(site.morag), site.contest]


def test_visitors_are_sent_to_sign_in(client, site, db_session):
    for url in admin_pages(site):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in"), url
    token = csrf_token_from(client, "/sign-in")
    for url in admin_posts(site):
        response = client.post(url, data={"csrf_token": token})
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in"), url
    db_session.expire_all()
    assert site.edition.shortlist_published_at is None


def test_judges_get_403(judge_client, site, db_session):
    for url in admin_pages(site):
        assert judge_client.get(url).status_code == 403, url
    token = csrf_token_from(judge_client, "/")
    for url in admin_posts(site):
        assert judge_client.post(url, data={"csrf_token": token}).status_code == 403, url
    db_session.expire_all()
    assert site.edition.shortlist_published_at is None


def test_organisers_see_every_page(organiser_client, site):
    for url in admin_pages(site):
        response = organiser_client.get(url)
        assert response.status_code == 200, url
        assert response.get_data(as_text=True).count("<h1") == 1, url


def test_posts_without_a_csrf_token_are_refused(organiser_client, site, db_session, images):
    for url in admin_posts(site):
        response = organiser_client.post(url, data={"public_name": "Changed", "summary": "Changed"})
        assert response.status_code == 400, url
        assert "This form has expired" in response.get_data(as_text=True)
    body, content_type = multipart({}, {"image": (make_png(), "a.png")})
    response = organiser_client.post(site.upload(site.morag), data=body, content_type=content_type)
    assert response.status_code == 400
    db_session.expire_all()
    assert site.edition.shortlist_published_at is None
    assert site.morag.public_name == "Morag Fraser" and site.morag.image_filename is None
    assert images() == []


def test_ids_that_do_not_exist_or_belong_elsewhere_give_404(organiser_client, site):
    base = f"/admin/editions/{site.edition.id}/shortlist"
    for url in (
        "/admin/editions/999999/shortlist",
        f"{base}/finalists/999999",
        f"{base}/finalists/999999/image",
        f"/admin/editions/{site.other_category.edition_id}/shortlist/finalists/{site.morag.id}",
        f"{base}/categories/{site.other_category.id}/contest",
        f"{base}/categories/{site.carer.id}/contest",  # no public vote
        f"{base}/finalists/{site.morag.id}/image",  # no image yet
    ):
        assert organiser_client.get(url).status_code == 404, url


# --- Publishing ----------------------------------------------------------------------------------------------------


def test_the_overview_shows_each_finalist_with_consent_summary_and_links(organiser_client, site, db_session):
    site.ailsa.nomination.consent = ConsentState.REQUESTED
    db_session.commit()
    response = organiser_client.get(site.page)
    text = text_of(response)
    assert "The shortlist is not public." in text
    assert "In Carer of the Year, consent is missing for Ailsa Grant (asked, no answer yet)." in text
    body = response.get_data(as_text=True)
    carers, projects = f"{site.page}?category={site.carer.id}", f"{site.page}?category={site.project.id}"
    assert f'href="{carers}"' in body and f'href="{projects}"' in body  # a part for each category
    assert "Times not set" in text and "The panel decides" in text

    carer_page = organiser_client.get(carers)
    text = text_of(carer_page)
    assert "Consent asked, no answer yet" in text and "Consent given" in text
    assert text.count("Not shown in public while the nominee's consent is missing.") == 1
    assert "The shortlist is not public." not in text  # the publication is on its own part
    assert f'href="{site.finalist(site.ailsa)}"' in carer_page.get_data(as_text=True)
    assert f'aria-current="page">{site.carer.name}<' in carer_page.get_data(as_text=True)

    project_page = organiser_client.get(projects)
    assert SUMMARIES["Leith Lunch Club"] in text_of(project_page)
    assert "No voting times are set yet." in text_of(project_page)
    assert f'href="{site.contest}"' in project_page.get_data(as_text=True)


def test_a_category_part_that_is_not_this_editions_is_404(organiser_client, site):
    for category in (str(site.other_category.id), "999999", "abc", "0", ""):
        assert organiser_client.get(f"{site.page}?category={category}").status_code == 404, category


def test_after_a_change_a_finalist_comes_back_to_their_categorys_part(organiser_client, site):
    response = post_form(organiser_client, site.finalist(site.ailsa),
                         {"public_name": "Ailsa Grant", "summary": "A carer for thirty years."},
                         form_page=site.finalist(site.ailsa))
    assert response.status_code == 303
    assert response.location.endswith(f"{site.page}?category={site.carer.id}#finalist-{site.ailsa.id}")


def test_the_edition_page_links_to_the_shortlist_page(organiser_client, site):
    body = organiser_client.get(f"/admin/editions/{site.edition.id}").get_data(as_text=True)
    assert f'href="{site.page}"' in body


def test_publishing_without_consent_is_refused_naming_who_is_missing(organiser_client, site, db_session):
    site.hamish.nomination.consent = ConsentState.NOT_REQUESTED
    site.shed.nomination.consent = ConsentState.DECLINED
    db_session.commit()
    response = post_form(organiser_client, site.publish, {}, form_page=site.page)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "<title>Error: " in body
    summary = text_of(response).split("There is a problem", 1)[1].split("Publication", 1)[0]
    assert "In Carer of the Year, consent is missing for Hamish MacLeod (not asked yet)." in summary
    assert "In Project of the Year, consent is missing for Moray Men's Shed (declined)." in summary
    db_session.expire_all()
    assert site.edition.shortlist_published_at is None


def test_publish_now(organiser_client, site, db_session, clock):
    response = post_form(organiser_client, site.publish, {}, form_page=site.page)
    assert response.status_code == 303
    db_session.expire_all()
    assert site.edition.shortlist_published_at == clock.now()
    text = text_of(organiser_client.get(response.headers["Location"]))
    assert "The shortlist is published" in text
    assert "The shortlist was announced at midday on Sunday 1 March 2026." in text
    assert "Publish the shortlist now" not in text


def test_publish_at_a_set_time_in_local_time(organiser_client, site, db_session):
    data = {"publish_at_date": "2026-03-30", "publish_at_time": "10:00"}  # British Summer Time: 09:00 UTC
    response = post_form(organiser_client, site.schedule, data, form_page=site.page)
    assert response.status_code == 303
    db_session.expire_all()
    assert site.edition.shortlist_published_at.isoformat() == "2026-03-30T09:00:00+00:00"
    text = text_of(organiser_client.get(site.page))
    assert "The shortlist will be published at 10am on Monday 30 March 2026." in text
    assert "Cancel the publication" in text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "date", "Enter the date and time of the announcement"),
        ({"publish_at_date": "2026-02-30", "publish_at_time": "10:00"}, "date",
         "The date of the announcement must be a real date"),
        ({"publish_at_date": "2026-03-30", "publish_at_time": "25:00"}, "time",
         "The time of the announcement must be a real time"),
        ({"publish_at_date": "2026-02-01", "publish_at_time": "10:00"}, "date", "The time must be in the future"),
    ],
)
def test_a_set_time_with_problems_is_shown_again(organiser_client, site, db_session, data, field, message):
    response = post_form(organiser_client, site.schedule, data, form_page=site.page)
    assert response.status_code == 422
    text = text_of(response)
    assert message in text.split("There is a problem", 1)[1]
    assert f'href="#publish_at_{field}">{message}' in response.get_data(as_text=True)
    if data:
        assert f'value="{data["publish_at_date"]}"' in response.get_data(as_text=True)  # the input is kept
    db_session.expire_all()
    assert site.edition.shortlist_published_at is None


def test_cancel_a_set_time(organiser_client, site, db_session, organiser, clock):
    publication.publish_shortlist(organiser, site.edition, clock.now() + timedelta(days=1))
    db_session.commit()
    response = post_form(organiser_client, site.unpublish, {}, form_page=site.page)
    assert response.status_code == 303
    db_session.expire_all()
    assert site.edition.shortlist_published_at is None


def test_a_public_shortlist_cannot_be_cancelled(organiser_client, site, db_session, organiser):
    token = csrf_token_from(organiser_client, site.page)
    publish_now(db_session, site, organiser)
    response = organiser_client.post(site.unpublish, data={"csrf_token": token})
    assert response.status_code == 422
    assert "it cannot be taken back" in text_of(response)


# --- A finalist's name and summary -----------------------------------------------------------------------------------


def test_change_a_finalists_public_name_and_summary(organiser_client, site, db_session):
    page = organiser_client.get(site.finalist(site.shed))
    assert 'value="Moray Men&#39;s Shed"' in page.get_data(as_text=True)
    data = {"public_name": "Moray Men's Shed, Elgin", "summary": "Tools, tea and talk, every Tuesday."}
    response = post_form(organiser_client, site.finalist(site.shed), data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#finalist-{site.shed.id}")
    db_session.expire_all()
    assert site.shed.public_name == "Moray Men's Shed, Elgin"
    assert site.shed.nomination.public_summary == "Tools, tea and talk, every Tuesday."


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"public_name": "", "summary": "A summary."}, "public_name", "Enter the name the public sees"),
        ({"public_name": "x" * 201, "summary": "A summary."}, "public_name",
         "The name must be 200 characters or fewer"),
        ({"public_name": "Morag", "summary": " "}, "summary", "Enter a short summary for the public"),
        ({"public_name": "Morag", "summary": "x" * 601}, "summary", "The summary must be 600 characters or fewer"),
    ],
)
def test_summary_form_errors(organiser_client, site, db_session, data, field, message):
    response = post_form(organiser_client, site.finalist(site.morag), data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert f'href="#{field}">{message}' in body
    assert "<title>Error: " in body
    db_session.expire_all()
    assert site.morag.nomination.public_summary == SUMMARIES["Morag Fraser"]


# --- Images --------------------------------------------------------------------------------------------------------


def test_a_png_named_jpg_is_stored_as_png_under_a_generated_name(organiser_client, site, db_session, images):
    response = upload(organiser_client, site, site.morag, make_png(), "holiday-photo.jpg")
    assert response.status_code == 303
    db_session.expire_all()
    name = site.morag.image_filename
    assert re.fullmatch(r"[0-9a-f]{32}\.png", name)
    assert images() == [name]
    assert "holiday-photo" not in text_of(organiser_client.get(site.finalist(site.morag)))
    preview = organiser_client.get(site.upload(site.morag))
    assert preview.get_data() == make_png()
    preview.close()
    assert preview.status_code == 200
    assert preview.headers["Content-Type"] == "image/png"
    assert preview.headers["Cache-Control"] == "no-store"
    assert preview.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("data", "filename"),
    [(HTML, "photo.png"), (SVG, "photo.png"), (SVG, "drawing.svg"), (b"GIF89a;", "animation.gif"),
     (make_png()[:50], "cut.png")],
    ids=["html-as-png", "svg-as-png", "svg", "gif", "damaged"],
)
def test_files_that_are_not_png_jpeg_or_webp_are_refused(organiser_client, site, db_session, images, data, filename):
    response = upload(organiser_client, site, site.morag, data, filename)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'href="#image">' in body and "<title>Error: " in body
    assert re.search(r"must be a PNG, JPEG or WebP image|could not be read", text_of(response))
    db_session.expire_all()
    assert site.morag.image_filename is None
    assert images() == []


def test_no_file_chosen(organiser_client, site):
    body, content_type = multipart({"csrf_token": csrf_token_from(organiser_client, site.finalist(site.morag))}, {})
    response = organiser_client.post(site.upload(site.morag), data=body, content_type=content_type)
    assert response.status_code == 422
    assert "Select an image to upload" in text_of(response)


def test_an_image_over_1_mb_is_refused_with_a_clear_message(organiser_client, site, db_session, images):
    from tests.factories.images import make_png as png

    big = png(extra=[(b"tEXt", b"x" * (1024 * 1024 + 10))])
    response = upload(organiser_client, site, site.morag, big, "big.png")
    assert response.status_code == 422
    assert "The image must be 1 MB or smaller" in text_of(response)
    assert images() == []


def test_a_request_over_2_mb_is_refused_with_413(organiser_client, site, db_session, images):
    response = upload(organiser_client, site, site.morag, b"\x89PNG" + b"x" * (2 * 1024 * 1024 + 1), "huge.png")
    assert response.status_code == 413
    assert "What you sent is too large" in text_of(response)
    assert images() == []


def test_replace_and_remove_an_image(organiser_client, site, db_session, images):
    upload(organiser_client, site, site.morag, make_png(), "a.png")
    upload(organiser_client, site, site.morag, make_jpeg(), "b.jpeg")
    db_session.expire_all()
    assert site.morag.image_filename.endswith(".jpg")
    assert images() == [site.morag.image_filename]
    response = post_form(organiser_client, site.remove(site.morag), {}, form_page=site.finalist(site.morag))
    assert response.status_code == 303
    db_session.expire_all()
    assert site.morag.image_filename is None and images() == []


# --- The public shortlist before and after the moment -----------------------------------------------------------------


def public_answers(client, urls) -> dict[str, object]:
    """Each public page, and each as an htmx fragment request too."""
    answers = {}
    for url in urls:
        answers[url] = client.get(url, follow_redirects=True)
        answers[url + " (htmx)"] = client.get(url, headers={"HX-Request": "true"}, follow_redirects=True)
    return answers


def vote_pages(app, db_session) -> list[str]:
    """The public voting pages, where the app has them (the voting journey is built alongside)."""
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    if "/vote" not in rules:
        return []
    return ["/vote"] + [f"/vote/{contest_id}" for contest_id in db_session.scalars(select(Contest.id))]


@pytest.fixture
def scheduled(site, organiser, db_session, clock, images, app):
    """Morag with an image, the Project of the Year's vote set, and the shortlist set for a moment tomorrow."""
    publication.save_finalist_image(organiser, site.morag, make_png())
    make_contest(site.project)
    site.moment = clock.now() + timedelta(days=1)
    publication.publish_shortlist(organiser, site.edition, site.moment)
    db_session.commit()
    site.image_url = f"/shortlist/images/{site.morag.image_filename}"
    site.urls = [*PUBLIC_PAGES, *vote_pages(app, db_session)]
    return site


def test_nothing_of_the_shortlist_is_public_before_the_moment(client, scheduled, clock, caches):
    site = scheduled
    for moment in (site.moment - timedelta(days=1), site.moment - timedelta(seconds=1)):
        clock.set(moment)
        forget_cached()  # a day, or the seconds before the moment, have passed
        for url, response in public_answers(client, site.urls).items():
            body = response.get_data(as_text=True)
            for name in site.names:
                assert html.escape(name) not in body and name not in body, (url, name)
            for summary in SUMMARIES.values():
                assert html.escape(summary) not in body, (url, summary)
            assert site.morag.image_filename not in body, url
            assert "/shortlist/images/" not in body, url
            assert site.morag.image_filename not in str(response.headers), url
        image = client.get(site.image_url)
        assert image.status_code == 404
        assert image.headers["Cache-Control"] == "no-store"
        assert image.get_data() != make_png()


def test_the_page_before_the_moment_says_when_and_is_never_cached(client, scheduled, clock):
    clock.set(scheduled.moment - timedelta(seconds=1))
    response = client.get("/shortlist")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "The shortlist of the Self Management Awards 2026 will be announced at midday on Monday 2 March 2026." \
        in text_of(response)


def test_an_unknown_image_name_gets_the_same_404(client, scheduled, clock):
    clock.set(scheduled.moment)
    before = client.get("/shortlist/images/" + "0" * 32 + ".png")
    assert before.status_code == 404 and before.headers["Cache-Control"] == "no-store"
    for name in ("..%2f..%2fsecret_key", "x.svg", "0" * 32 + ".PNG"):
        assert client.get("/shortlist/images/" + name).status_code == 404


def test_from_the_moment_the_shortlist_and_images_are_public(client, scheduled, clock):
    site = scheduled
    clock.set(site.moment)
    response = client.get("/shortlist")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, max-age=60"
    text = text_of(response)
    for name in site.names:
        assert name in text
    for summary in SUMMARIES.values():
        assert summary in text
    body = response.get_data(as_text=True)
    assert f'<img class="finalist__image" src="{site.image_url}" alt="Morag Fraser"' in body
    # Alphabetical order, not the judges' ranking (Morag, Hamish, Ailsa).
    assert text.index("Ailsa Grant") < text.index("Hamish MacLeod") < text.index("Morag Fraser")

    image = client.get(site.image_url)
    data = image.get_data()
    image.close()  # the file it was sent from
    assert image.status_code == 200
    assert data == make_png()
    assert image.headers["Content-Type"] == "image/png"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert image.headers["Content-Disposition"] == f"inline; filename={site.morag.image_filename}"
    assert image.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "sandbox" in image.headers["Content-Security-Policy"]
    assert "public" in image.headers["Cache-Control"] and "max-age=3600" in image.headers["Cache-Control"]
    assert "Set-Cookie" not in image.headers


def test_the_home_page_links_to_the_shortlist_once_it_is_public(client, scheduled, clock):
    # From the moment the organisers set, not the planned date: the link comes when the shortlist is really public.
    clock.set(scheduled.moment - timedelta(seconds=1))
    assert 'href="/shortlist"' not in client.get("/").get_data(as_text=True)
    clock.set(scheduled.moment)
    assert 'href="/shortlist"' in client.get("/").get_data(as_text=True)


def test_without_an_edition_the_page_says_not_yet(client, db_session):
    response = client.get("/shortlist")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "The shortlist has not been announced yet." in text_of(response)


# --- The lock of an open vote ---------------------------------------------------------------------------------------


def test_set_the_voting_times(organiser_client, site, db_session):
    page = organiser_client.get(site.contest)
    assert 'value="2026-03-31"' in page.get_data(as_text=True)  # the edition's window, as a start
    data = {"opens_at_date": "2026-04-01", "opens_at_time": "09:00", "closes_at_date": "2026-04-15",
            "closes_at_time": "17:00"}
    response = post_form(organiser_client, site.contest, data)
    assert response.status_code == 303
    contest = db_session.scalar(select(Contest).where(Contest.category_id == site.project.id))
    assert contest.opens_at.isoformat() == "2026-04-01T08:00:00+00:00"
    assert contest.closes_at.isoformat() == "2026-04-15T16:00:00+00:00"


def test_voting_times_outside_the_edition_vote_are_refused(organiser_client, site, db_session):
    data = {"opens_at_date": "2026-03-01", "opens_at_time": "09:00", "closes_at_date": "2026-05-15",
            "closes_at_time": "17:00"}
    response = post_form(organiser_client, site.contest, data)
    assert response.status_code == 422
    assert 'href="#opens_at_date">The vote must open in the future' in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count(Contest.id))) == 0


def test_after_the_vote_opens_its_times_and_finalists_are_locked(organiser_client, site, db_session, clock, images):
    contest = make_contest(site.project)
    db_session.commit()
    clock.set(contest.opens_at)
    token = csrf_token_from(organiser_client, site.finalist(site.shed))
    page = organiser_client.get(site.contest)
    assert "Now that it is open, its times and its finalists are locked" in text_of(page)
    assert "Save the voting times" not in text_of(page)
    data = {"csrf_token": token, "opens_at_date": "2026-04-01", "opens_at_time": "09:00",
            "closes_at_date": "2026-04-15", "closes_at_time": "17:00"}
    response = organiser_client.post(site.contest, data=data)
    assert response.status_code == 422
    assert "so the times of its vote can no longer change" in text_of(response)

    finalist_page = text_of(organiser_client.get(site.finalist(site.shed)))
    assert "can no longer change" in finalist_page and "Save the name and summary" not in finalist_page
    response = organiser_client.post(site.finalist(site.shed), data={
        "csrf_token": token, "public_name": "Another name", "summary": "Another summary."})
    assert response.status_code == 422
    assert "The public vote in Project of the Year opened at 10am on Tuesday 31 March 2026" in text_of(response)
    response = upload(organiser_client, site, site.shed, make_png(), "late.png")
    assert response.status_code == 422
    db_session.expire_all()
    assert site.shed.public_name == "Moray Men's Shed" and site.shed.image_filename is None
    assert db_session.scalar(select(Contest.closes_at)) == site.edition.vote_close_at


# --- Sealed results: no count or share on any public page -------------------------------------------------------------


@pytest.fixture
def demo_voting(db_session, clock, monkeypatch):
    """The demo edition in its voting phase (about 190 votes), its shortlist published."""
    from awards_app.demo.builder import build_demo

    build_demo("voting")
    db_session.commit()
    edition = db_session.scalar(select(Edition))
    assert publication.shortlist_is_public(edition)  # the demo publishes its shortlist on the planned day
    return edition


def vote_numbers(db_session) -> set[int]:
    """Every count a result could show: valid votes per finalist, in all, voided, and cast in all.

    Only counts above 31 are kept: smaller numbers are days of the month and hours on any page with a date.
    """
    valid = dict(db_session.execute(
        select(Vote.finalist_id, func.count(Vote.id)).where(Vote.voided_at.is_(None)).group_by(Vote.finalist_id)
    ).all())
    total = db_session.scalar(select(func.count(Vote.id)))
    voided = db_session.scalar(select(func.count(Vote.id)).where(Vote.voided_at.is_not(None)))
    return {number for number in (*valid.values(), sum(valid.values()), total, voided) if number > 31}


def test_no_public_page_shows_a_count_or_share_of_votes(app, client, demo_voting, db_session, caches):
    numbers = vote_numbers(db_session)
    assert len(numbers) >= 4  # the demo's votes are there to be leaked
    urls = [*PUBLIC_PAGES, *vote_pages(app, db_session)]
    for url, response in public_answers(client, urls).items():
        assert response.status_code == 200, url
        text = text_of(response)
        assert "%" not in text, url
        assert not re.search(r"\d\s*votes?\b", text, re.I), url
        for number in numbers:
            # A count standing alone (not part of a time or a longer number).
            assert not re.search(rf"(?<![\d:.,]){number}(?![\d:])", text), (url, number, text)
    shortlist_text = text_of(client.get("/shortlist"))
    assert "Self Management Project of the Year" in shortlist_text  # the page does list the finalists
