"""Answer with a whole page, or with just a named block of it when htmx asked for a fragment."""
from flask import make_response, request
from jinja2_fragments.flask import render_block


def is_fragment_request() -> bool:
    """htmx wants a fragment (a boosted navigation still wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def render_page(template: str, block: str | None = None, status: int = 200, **context):
    """Render the template, or only `block` of it for htmx, and tell caches the answer varies by HX-Request."""
    from flask import render_template

    if block is not None and is_fragment_request():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response
