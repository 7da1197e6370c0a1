"""The walk of every organiser page in one demo phase, at four widths, signed in as the demo organiser: layout checks,
axe-core, console errors and CSP violations (on the page and on its htmx swaps), screenshots (at 320 and 1280 px) and
heights.

Every problem of every page is collected, and the phase's test fails once listing them all, page by page.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Error as PlaywrightError

from tests.e2e.helpers import demo_in_phase, sign_in_as_organiser
from tests.e2e.layout import layout_problems, record_heights, save_screenshot
from tests.e2e.organiser_urls import walk_urls
from tests.fixtures.browser import assert_accessible

# Each width with a screen height typical of it; the first is the one the page is opened and swapped at.
WIDTHS = {1280: 800, 320: 640, 768: 1024, 1920: 1080}
AXE_WIDTHS = (320, 1280)
SWAP_TIMEOUT_MS = 10_000

# Reports each CSP violation to the test (a binding reaches Python whatever the page's CSP; so does this script).
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (event) => {
  window.reportCspViolation(`${event.violatedDirective} refused ${event.blockedURI || 'inline code'}`
    + ` (${event.sourceFile || document.location.pathname}:${event.lineNumber})`);
});
"""

# The elements that make htmx requests; the page's <body> only carries the CSRF header for them.
HTMX_ELEMENTS = "[hx-get], [hx-post], [hx-put], [hx-patch], [hx-delete]"
# The links to a page's other parts (templates/admin/_sections.html); each part is walked as a page of its own.
TABS = "nav.section-tabs a:not([aria-current])"
SETTLED = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"


class Watch:
    """What the browser reports as broken while the walk is on one page: console errors, uncaught exceptions and CSP
    violations."""

    def __init__(self, context):
        self.problems: list[str] = []
        self.document_url = ""
        context.expose_binding("reportCspViolation", lambda source, text: self.problems.append(f"CSP violation: {text}"))
        context.add_init_script(CSP_LISTENER)
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.problems.append(f"uncaught exception: {error.error}"))

    def _on_console(self, message) -> None:
        """Keep console errors, except Chromium's note on the page's own status (checked apart, with its number)."""
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource") and message.location.get("url") == self.document_url:
            return
        self.problems.append(f"console error: {message.text} ({message.location.get('url', '')})")

    def take(self) -> list[str]:
        """The problems seen since the last take, once each."""
        taken, self.problems = list(dict.fromkeys(self.problems)), []
        return taken


def _settle(page) -> None:
    """Wait until htmx has swapped and settled what it fetched."""
    page.wait_for_function(SETTLED, timeout=SWAP_TIMEOUT_MS)
    page.wait_for_timeout(100)  # a violation event is dispatched just after the swap that caused it


def _save_the_status(page) -> str:
    """The nomination's status form, sent as it stands (htmx posts it and swaps the panel)."""
    with page.expect_response(lambda response: response.request.method == "POST", timeout=SWAP_TIMEOUT_MS):
        page.locator("#status-submit").click()
    _settle(page)
    return "posted the status form"


def _wait_for_a_poll(page) -> str:
    """The delivery page polls while emails wait to be sent: wait for one poll and its swap."""
    if page.locator("#delivery[hx-get]").count() == 0:
        return "no poll (nothing waiting)"
    with page.expect_response(lambda response: "hx-request" in response.request.headers, timeout=SWAP_TIMEOUT_MS):
        pass
    _settle(page)
    return "waited for a poll"


# The htmx swaps of each page that has them (grep templates/admin for hx-): each is triggered once.
SWAPS: dict[str, list[Callable]] = {
    "nomination_detail": [_save_the_status],
    "message_delivery": [_wait_for_a_poll],
}


def visit(page, watch: Watch, server, phase: str, name: str, path: str, heights: dict) -> list[str]:
    """Open one page, check it at every width (and its swaps), keep its screenshots; what is wrong with it."""
    if path.startswith("missing:"):
        return [path]
    problems: list[str] = []
    watch.take()
    watch.document_url = server.url(path)
    page.set_viewport_size({"width": 1280, "height": WIDTHS[1280]})
    response = page.goto(server.url(path))
    if response is None or response.status != 200:
        problems.append(f"answered {response.status if response else 'nothing'}")
    if page.url != server.url(path):
        problems.append(f"went to {page.url.removeprefix(server.base_url)} instead")
    page.wait_for_load_state()
    heights[name] = {}
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        found, heights[name][width] = layout_problems(page, width)
        problems += [f"at {width}px: {problem}" for problem in found]
        if width in AXE_WIDTHS:
            # Photographed where heights are limited and axe runs: a full-page picture at each of the four
            # widths of some 150 pages was a fifth of the browser pass, and the other two are still checked above.
            save_screenshot(page, phase, name, width)
            try:
                assert_accessible(page)
            except AssertionError as violations:
                problems.append(f"at {width}px: {str(violations).splitlines()[0]} "
                                + " | ".join(line.strip() for line in str(violations).splitlines()[1:]))
    problems += watch.take()

    page.set_viewport_size({"width": 1280, "height": WIDTHS[1280]})
    swaps = SWAPS.get(name, [])
    if not swaps and page.locator(HTMX_ELEMENTS).count():
        problems.append("swaps with htmx, but the walk triggers none of its swaps: add them to SWAPS")
    for swap in swaps:
        try:
            done = swap(page)
        except PlaywrightError as failure:  # a swap that never comes is one more problem of this page
            problems.append(f"htmx swap {swap.__name__} failed: {str(failure).splitlines()[0]}")
            continue
        problems += [f"after the htmx swap ({done}): {problem}" for problem in watch.take()]
    return problems


def other_tabs(page, server) -> list[str]:
    """The paths of the page's other parts: the tabs (admin/_sections.html) not marked as the one shown."""
    hrefs = page.eval_on_selector_all(TABS, "links => links.map(link => link.getAttribute('href'))")
    return [href.removeprefix(server.base_url) for href in hrefs]


def walk_phase(browser, server, phase: str) -> None:
    """Rebuild the demo in this phase and walk its organiser pages; fail once, listing every page's problems."""
    live = demo_in_phase(server, phase)
    urls = walk_urls(live, phase)
    context = browser.new_context(viewport={"width": 1280, "height": WIDTHS[1280]})
    context.set_default_timeout(15_000)
    watch = Watch(context)
    page = context.new_page()
    heights: dict[str, dict[int, int]] = {}
    report: dict[str, list[str]] = {}
    try:
        sign_in_as_organiser(page, live)
        pending, walked = list(urls.items()), set(urls.values())
        while pending:
            name, path = pending.pop(0)
            try:
                problems = visit(page, watch, live, phase, name, path, heights)
                for tab in other_tabs(page, live):  # a page's other parts are pages too, each walked once
                    if tab not in walked:
                        walked.add(tab)
                        pending.append((f"{name}--{re.sub(r'[^a-z0-9]+', '-', tab.split('?')[-1].lower())}", tab))
            except PlaywrightError as failure:  # a page that never loads is one problem; the walk goes on
                problems = [f"the walk could not check it: {str(failure).splitlines()[0]}"]
            if problems:
                report[f"{name} ({path})"] = problems
    finally:
        record_heights(phase, heights)
        context.close()
    lines = [f"{page_name}:\n    " + "\n    ".join(problems) for page_name, problems in report.items()]
    assert not report, f"{len(report)} of {len(urls)} organiser pages in the {phase} phase have problems:\n  " + (
        "\n  ".join(lines)
    )
