"""Acting as a browser would in route tests: post a form with its CSRF token, sign in, follow a link from an email."""
import re

from tests.factories.accounts import JUDGE_PASSWORD, ORGANISER_EMAIL, ORGANISER_PASSWORD

CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token_from(client, url: str) -> str:
    """Fetch a page and pull out the CSRF token of its form."""
    page = client.get(url)
    match = CSRF_PATTERN.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} (status {page.status_code})"
    return match.group(1)


def post_form(client, url: str, data: dict, *, form_page: str | None = None, **kwargs):
    """Post a form as a browser would: with the CSRF token of the page the form is on."""
    payload = dict(data)
    payload.setdefault("csrf_token", csrf_token_from(client, form_page or url))
    return client.post(url, data=payload, **kwargs)


def post_sign_in(client, email: str = ORGANISER_EMAIL, password: str = ORGANISER_PASSWORD, url: str = "/sign-in"):
    """Post the sign-in form (to `url`, from the sign-in page) and return the answer, whatever it is."""
    return post_form(client, url, {"email": email, "password": password}, form_page="/sign-in")


def sign_in(client, email: str, password: str = JUDGE_PASSWORD):
    """Sign the client in (judge or organiser) through the sign-in form; the client, now signed in."""
    response = post_sign_in(client, email, password)
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def link_in_email(email, prefix: str) -> str:
    """The path of the link under `prefix` in an email's text, checked to be in its HTML part too."""
    url = re.search(rf"http://awards\.test({re.escape(prefix)}\S+)", email.text_body).group(1)
    assert url in email.html_body
    return url


def multipart(fields: dict[str, str], files: dict[str, tuple[bytes, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type, as a browser sends a form with a file.

    (Built by hand because the test client spools large bodies to a temporary file that it never closes.)
    """
    boundary = "----shortlist-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (data, filename) in files.items():
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n")
        parts.append(head.encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"
