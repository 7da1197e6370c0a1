"""The nominations of an edition as a CSV file that opens cleanly in Excel and cannot run formulas there.

Excel reads a CSV as UTF-8 only when it starts with a byte order mark, so the file has one. A spreadsheet treats a
cell that starts with =, +, -, @, a tab or a carriage return as a formula; following OWASP's CSV injection advice
every such cell gets a leading single quote, so that it shows as the text that was typed. Text is written as typed:
HTML in a field arrives as those characters, never run, and never turned into entities.
"""
from __future__ import annotations

import csv
import io
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from awards_app.extensions import db
from awards_app.nominations.models import Nomination
from awards_app.nominations.review import CONSENT_LABELS, STATUS_LABELS
from awards_app.programme.models import Category, Edition, Question
from awards_app.web.template_helpers import local_time

BOM = "\ufeff"
# OWASP's list, plus the full-width forms of = + - @, which some spreadsheets read as formulas too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

FIXED_COLUMNS = (
    "Reference",
    "Merged into",
    "Category",
    "Status",
    "Status reason",
    "Nominee name",
    "Nominee organisation",
    "Nominee email",
    "Local authority",
    "Consent",
    "Consent note",
    "Nominator name",
    "Nominator email",
    "Nominator relationship",
    "Nominator phone",
)


def safe_cell(value) -> str:
    """A cell's text as a spreadsheet should show it: never a formula, line breaks kept (as plain newlines)."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n")
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def question_headers(edition: Edition) -> list[tuple[Question, str]]:
    """Every question of the edition in category order, with its column header.

    A prompt that more than one question uses is prefixed with its category's name, so that no two columns look alike.
    """
    questions = [question for category in edition.categories for question in category.questions]
    uses = Counter(question.prompt.strip() for question in questions)
    headers = []
    for question in questions:
        prompt = question.prompt.strip()
        headers.append((question, f"{question.category.name}: {prompt}" if uses[prompt] > 1 else prompt))
    # Two questions with the same prompt in the same category still need telling apart.
    seen = Counter(header for _question, header in headers)
    numbered = Counter()
    unique = []
    for question, header in headers:
        if seen[header] > 1:
            numbered[header] += 1
            header = f"{header} ({numbered[header]})"
        unique.append((question, header))
    return unique


def _nominations(edition: Edition) -> list[Nomination]:
    """Every nomination of the edition, merged duplicates included, category by category, oldest first."""
    return list(
        db.session.scalars(
            select(Nomination)
            .join(Category, Nomination.category_id == Category.id)
            .where(Nomination.edition_id == edition.id)
            .options(
                selectinload(Nomination.answers),
                selectinload(Nomination.category),
                selectinload(Nomination.merged_into),
            )
            .order_by(Category.display_order, Category.id, Nomination.submitted_at, Nomination.id)
        )
    )


def csv_text(header: list, rows) -> str:
    """Rows as Excel-safe CSV text (every cell quoted and safe_cell'd), starting with a byte order mark."""
    buffer = io.StringIO()
    # QUOTE_ALL: every cell in double quotes, so that commas, quotes and line breaks inside a cell stay in it.
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for row in [header, *rows]:
        writer.writerow([safe_cell(cell) for cell in row])
    return BOM + buffer.getvalue()


def nominations_csv(edition: Edition) -> str:
    """The edition's nominations as CSV text, starting with a byte order mark; encode it as UTF-8 to send."""
    questions = question_headers(edition)
    submitted_header = f"Submitted ({edition.timezone})"
    header = [*FIXED_COLUMNS, submitted_header, *(label for _question, label in questions)]
    rows = []
    for nomination in _nominations(edition):
        answers = {answer.question_id: answer.text for answer in nomination.answers}
        submitted = local_time(nomination.submitted_at, edition.timezone)
        rows.append([
            nomination.reference,
            nomination.merged_into.reference if nomination.merged_into else "",
            nomination.category.name,
            STATUS_LABELS[nomination.status],
            nomination.status_reason,
            nomination.nominee_name,
            nomination.nominee_organisation,
            nomination.nominee_email or "",
            nomination.local_authority,
            CONSENT_LABELS[nomination.consent],
            nomination.consent_note,
            nomination.nominator_name,
            nomination.nominator_email,
            nomination.nominator_relationship,
            nomination.nominator_phone,
            f"{submitted:%Y-%m-%d %H:%M}" if submitted else "",
            *(answers.get(question.id, "") for question, _label in questions),
        ])
    return csv_text(header, rows)


def csv_filename(edition: Edition, moment) -> str:
    """A filename made only of safe characters: nominations-2026-2026-03-01.csv."""
    local = local_time(moment, edition.timezone)
    return f"nominations-{int(edition.year)}-{local:%Y-%m-%d}.csv"
