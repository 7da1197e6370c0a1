"""The unit of work: commit once, then hand queued emails to the sender."""
from awards_app.extensions import db


def commit() -> None:
    """Commit the request's changes; only then may emails written to the outbox go out."""
    db.session.commit()
    from awards_app.core.mail_delivery import hand_over_after_commit

    hand_over_after_commit()
