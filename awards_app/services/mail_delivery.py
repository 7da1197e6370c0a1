"""Delivering the outbox: to the development mailbox at once, or over SMTP by the send-mail worker."""
from flask import current_app


def hand_over_after_commit() -> None:
    """Called after each commit; development delivers to the mailbox at once, production leaves it to the worker."""
    if current_app.config["MAIL_BACKEND"] != "devmail":
        return
