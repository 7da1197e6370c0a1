"""Forms of the public vote. They only parse what was sent (and carry the CSRF token); voting/votes.py checks it."""
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField


class BallotForm(FlaskForm):
    """Who the person votes for (the choices are the contest's finalists)."""

    finalist = RadioField("Who do you want to vote for?", choices=[], validate_choice=False)


class VoterEmailForm(FlaskForm):
    """Where to send the link that confirms the vote."""

    email = EmailField(
        "What is your email address?",
        render_kw={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"},
    )


class ConfirmVoteForm(FlaskForm):
    """Confirming the vote of an emailed link: for the finalist it names, or for another chosen on the page."""

    finalist = RadioField("Who do you want to vote for?", choices=[], validate_choice=False)
