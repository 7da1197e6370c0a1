"""The issue's done-when, from the demo in its voting phase: three messages tell every shortlisted nominee, every
nominee not shortlisted and every finalist's nominator, each person getting exactly one email with their own details."""
from __future__ import annotations

from sqlalchemy import select

from awards_app.accounts.users import find_user_by_email
from awards_app.demo.builder import build_demo
from awards_app.messaging import messages
from awards_app.nominations.models import Nomination
from awards_app.programme.models import Edition

BODY = "Dear {name},\n\nThis is about {nominee} ({reference}) in {category}.\n\nThe awards team"


def test_three_messages_reach_each_person_once_with_their_own_details(clock, db_session, outbox):
    build_demo("voting")
    organiser = find_user_by_email("organiser@demo.awards.scot")
    edition = db_session.scalar(select(Edition))
    for segment in ("shortlisted.nominees", "not_shortlisted.nominees", "vote_finalists.nominators"):
        already = {email.id for email in outbox()}
        message = messages.save_message(organiser, edition, segment, None, f"News: {segment}", BODY)
        rows = messages.send_message(organiser, message)
        emails = [email for email in outbox() if email.id not in already]
        queued = [row for row in rows if row.outbox_email_id]
        assert queued, segment
        assert len(emails) == len(queued) == len({row.email.lower() for row in queued})  # once each
        by_id = {email.id: email for email in emails}
        for row in queued:
            entry = db_session.get(Nomination, row.nomination_id)
            email = by_id[row.outbox_email_id]
            assert email.to_address == row.email
            assert f"({entry.reference}) in {entry.category.name}" in email.text_body  # their own entry
            others = [other for other in queued if other.nomination_id != row.nomination_id]
            assert all(db_session.get(Nomination, other.nomination_id).reference not in email.text_body
                       for other in others)
        print(f"\n{segment}: {len(queued)} emails, {len(rows) - len(queued)} not sent (no address or no consent)")
