"""The dashboard on the demo edition in each of its phases: the page answers, and every link on it leads to a page
that answers an organiser."""
from __future__ import annotations

import html
import re

import pytest

from awards_app.demo.builder import PHASES, build_demo

TO_DO = re.compile(r'<li class="to-do(?P<action> to-do--action)?">\s*<(?:strong|span) class="tag[^"]*">(?P<mark>[^<]+)<'
                   r'/(?:strong|span)>\s*<a class="to-do__link" href="(?P<url>[^"]+)">(?P<text>[^<]+)</a>')
DASHBOARD_SECTION = re.compile(r'<div class="dashboard">(.*?)<h2>Editions</h2>', re.S)


def to_dos(page: str) -> list[dict]:
    """The dashboard's lines as the page shows them: mark, words and link."""
    return [{**match.groupdict(), "url": html.unescape(match["url"])} for match in TO_DO.finditer(page)]


@pytest.mark.parametrize("phase", PHASES)
def test_each_phase_shows_its_to_dos_and_every_link_answers(phase, clock, organiser_client, db_session):
    build_demo(phase)
    db_session.commit()
    response = organiser_client.get("/admin/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    lines = to_dos(page)
    print(phase, *(f"{line['mark']}: {line['text']} -> {line['url']}" for line in lines), sep="\n  ")
    assert lines, "the dashboard lists what needs doing"
    marks = [line["mark"] for line in lines]
    assert marks == sorted(marks, key=lambda mark: mark != "To do"), "lines needing action come first"
    assert all((line["action"] is not None) == (line["mark"] == "To do") for line in lines)
    board = DASHBOARD_SECTION.search(page).group(1)
    for url in {html.unescape(url) for url in re.findall(r'href="(/[^"#]*)', board)}:
        assert organiser_client.get(url).status_code == 200, url
