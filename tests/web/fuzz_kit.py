"""What the fuzz tests share: hostile values, tampered tokens, request shapes, and the properties every answer keeps.

The properties (check_answer): never a 5xx; nothing typed comes back unescaped (every value may carry a probe like
<b data-x="PROBE">, and the raw body must never hold the probe's tag); the security headers are on every answer.
With TESTING on, an exception in a view is raised in the test rather than turned into a 500, so it fails too.
"""
from __future__ import annotations

import base64
import io
from contextlib import contextmanager
from urllib.parse import quote

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from awards_app.extensions import limiter
from tests.fixtures.database import savepoint

# Repeatable in CI (derandomize), no per-example deadline (the machine is shared and busy), and few enough examples
# that each fuzz file runs in well under a minute. Function-scoped fixtures are fine here: every example runs in a
# savepoint of its own (see the modules), so nothing leaks from one example to the next.
FUZZ = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
# For a test that spreads its examples over many forms.
FUZZ_MORE = settings(FUZZ, max_examples=200)

# Markers for each place a value can be echoed: element content, a double- or single-quoted attribute, a textarea.
# Each opens a tag whose name and attribute never appear in our templates, so finding it in a body means an echo
# that was not escaped.
PROBES = (
    '<b data-x="PROBE">',
    '"><i data-y=PROBE>',
    "'><u data-z=PROBE>",
    "</textarea><s data-w=PROBE>",
    "</title><q data-v=PROBE>",
)
UNESCAPED = ("<b data-x", "<i data-y", "<u data-z", "<s data-w", "<q data-v")

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=()",
    "X-Frame-Options": "DENY",
}

# Characters that break naive code: NUL and other controls, RTL and zero-width marks, combining marks, astral
# characters (emoji, maths letters), a lone BOM, line and paragraph separators, full-width and non-ASCII digits.
AWKWARD = (
    "\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\u200b", "\u200e", "\u200f", "\u202e", "\u2066", "\u2069",
    "\u0301", "\u0336", "\u20dd", "\ufeff", "\u2028", "\u2029", "\U0001f600", "\U0001d400", "\U0010fffd", "\r\n",
    "\t", "\r", "٣", "²", "１", "ß", "İ", "ﬃ", "%", "&", "&amp;", "{{ 7*7 }}", "{% raw %}", "\\", "'", '"', "<",
)

# Any text without surrogates (which a UTF-8 request cannot carry), NUL and every other control included.
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
awkward_text = st.lists(st.sampled_from(AWKWARD) | any_text, max_size=8).map("".join)
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**63, 2**64, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
).map(str)
huge = st.one_of(
    st.sampled_from(["a" * 5_000, "é" * 3_000, "\U0001f600" * 2_000, "9" * 5_000, "<b>" * 2_000, " " * 10_000]),
    st.builds(lambda piece, times: piece * times, awkward_text.filter(bool), st.integers(1, 400)),
)


@st.composite
def probed(draw, base=any_text):
    """A value with a probe put somewhere in it."""
    text = draw(base)
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(st.sampled_from(PROBES)) + text[at:]


# One field's value: text of every kind, numbers where text is expected, probes, huge and empty.
values = st.one_of(
    st.just(""), any_text, awkward_text, numbers, huge, probed(), probed(awkward_text), st.sampled_from(PROBES),
)


@st.composite
def spoiled(draw, good: st.SearchStrategy):
    """A good value with something awkward put into it (a NUL at its end, a probe in its middle)."""
    text = draw(good)
    at = draw(st.sampled_from([0, len(text), len(text) // 2]) | st.integers(0, len(text)))
    return text[:at] + draw(st.sampled_from(AWKWARD + PROBES) | awkward_text) + text[at:]


def field_values(good: st.SearchStrategy | None = None):
    """A value for a field: hostile ones, good ones spoiled, and sometimes a good one (so later checks are reached)."""
    return values if good is None else st.one_of(good, spoiled(good), spoiled(good), values)


@st.composite
def form(draw, fields: dict[str, st.SearchStrategy], csrf_token: str) -> tuple[list[tuple[str, object]], str]:
    """Form fields as a list of (name, value) pairs: each field missing, given once or repeated; stray fields too;
    sometimes a file where text is expected. The second item is how to send them (see send_form).
    """
    # Mostly the session's own token, so that the form reaches its validation; sometimes none, or a broken one.
    token = draw(st.sampled_from([csrf_token] * 8 + ["", csrf_token[:-3], "x"]))
    pairs: list[tuple[str, object]] = [("csrf_token", token)] if token else []
    shape = draw(st.sampled_from(["form"] * 12 + ["json", "garbage"]))
    for name, strategy in fields.items():
        times = draw(st.sampled_from([1, 1, 1, 0, 2, 3]))  # mostly present once; missing or repeated sometimes
        for _ in range(times):
            if draw(st.integers(0, 40)) == 0:
                shape = "multipart"  # a file upload in a text field: Flask-WTF hands the field a FileStorage
                pairs.append((name, (io.BytesIO(draw(st.binary(max_size=64))), "f.txt")))
            else:
                pairs.append((name, draw(strategy)))
    for name in draw(st.lists(st.sampled_from(["x", "", "csrf_token[]", "submit", "action", "\x00"]) | any_text,
                              max_size=2)):
        pairs.append((name, draw(values)))
    return pairs, shape


def send_form(client, path: str, pairs: list[tuple[str, object]], shape: str, **kwargs):
    """POST the fields (repeats kept): urlencoded or multipart as a browser would, or as JSON (a list where a form
    is expected), or as a form body that is not valid form encoding."""
    from werkzeug.datastructures import MultiDict

    if shape == "json":
        return client.post(path, json=[[name, value] for name, value in pairs], **kwargs)
    if shape == "garbage":
        body = "&".join(f"{name}={value}" for name, value in pairs).encode("utf-8", "surrogatepass") + b"%%\xff\xfe=&="
        return client.post(path, data=body, content_type="application/x-www-form-urlencoded", **kwargs)
    content_type = "multipart/form-data" if shape == "multipart" else None
    return client.post(path, data=MultiDict(pairs), content_type=content_type, **kwargs)


@st.composite
def tampered(draw, real: str):
    """A token that is not the real one: a character flipped, cut short, lengthened, or random base64 or text."""
    choice = draw(st.sampled_from(["flip", "cut", "extend", "base64", "text", "swap-part", "empty-part"]))
    if choice == "flip" and real:
        at = draw(st.integers(0, len(real) - 1))
        replacement = draw(st.sampled_from("AZaz09-_.~=+/").filter(lambda ch: ch != real[at]))
        return real[:at] + replacement + real[at + 1:]
    if choice == "cut" and real:
        return real[: draw(st.integers(0, len(real) - 1))]
    if choice == "extend":
        return real + draw(st.text("ABCxyz019-_.=", min_size=1, max_size=600))
    if choice == "base64":
        return base64.urlsafe_b64encode(draw(st.binary(max_size=400))).decode()
    if choice == "swap-part" and real.count(".") == 2:
        payload, stamp, signature = real.split(".")
        return ".".join([draw(st.text("ABCdef0123_-", max_size=40)), stamp, signature])
    if choice == "empty-part" and "." in real:
        parts = real.split(".")
        parts[draw(st.integers(0, len(parts) - 1))] = ""
        return ".".join(parts)
    return draw(st.one_of(any_text, awkward_text, probed()).filter(lambda text: text not in ("", ".", "..")))


def path_part(value: str) -> str:
    """A value quoted for one URL path segment (so a slash stays inside the segment)."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


huge_ids = st.one_of(
    st.integers(min_value=2**31 - 2, max_value=2**31 + 2),
    st.integers(min_value=2**31, max_value=10**40),
    st.sampled_from([0, 2**63, 2**64 + 1]),
).map(str) | st.sampled_from(["-1", "00000000000000000000001", "1e9", "0x10", "١", "²", "%00", "1.0"])


def check_answer(response, *, allow: tuple[int, ...] | None = None) -> str:
    """Assert the properties every answer keeps, and return its body as text."""
    body = response.get_data(as_text=True)
    assert response.status_code < 500, f"{response.status_code}: {body[:500]}"
    if allow is not None:
        assert response.status_code in allow, f"unexpected {response.status_code}: {body[:300]}"
    for tag in UNESCAPED:
        assert tag not in body, f"unescaped echo of {tag!r} around: {body[max(body.find(tag) - 200, 0):][:400]}"
    for header, needle in SECURITY_HEADERS.items():
        assert needle in response.headers.get(header, ""), f"missing {header} on a {response.status_code}"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    return body


@contextmanager
def limits_off(app):
    """Switch rate limits off (the fuzz would otherwise meet its own 429s), then back on."""
    was = limiter.enabled, app.config.get("RATELIMIT_ENABLED")
    limiter.enabled = False
    app.config["RATELIMIT_ENABLED"] = False
    try:
        yield
    finally:
        limiter.enabled = was[0]
        if was[1] is None:
            app.config.pop("RATELIMIT_ENABLED", None)
        else:
            app.config["RATELIMIT_ENABLED"] = was[1]


def ask(app, world, caller: str, method: str, path: str, fields=None, headers=None):
    """One request from a fresh client of the caller's, in a savepoint of its own; the answer is checked."""
    with savepoint(app, world.connection):
        client = world.client(app, caller)
        if method == "GET":
            response = client.get(path, headers=headers or {})
        else:
            pairs, shape = fields
            response = send_form(client, path, pairs, shape, headers=headers or {})
        return check_answer(response), response.status_code
