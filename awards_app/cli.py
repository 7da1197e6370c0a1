"""flask commands: create-organiser, send-mail, demo, purge."""
from __future__ import annotations

import os

import click
from flask import Flask

from awards_app.core import uow
from awards_app.core.errors import DomainError


@click.command("create-organiser")
@click.argument("email")
@click.option("--name", default="", help="The organiser's name.")
def create_organiser_command(email: str, name: str) -> None:
    """Create an organiser account; the password comes from a prompt or AWARDS_ORGANISER_PASSWORD."""
    from awards_app.accounts.users import create_organiser

    password = os.environ.get("AWARDS_ORGANISER_PASSWORD") or click.prompt(
        "Password (at least 12 characters; not a common one, nor your name or address)",
        hide_input=True,
        confirmation_prompt=True,
    )
    try:
        user = create_organiser(email, password, name=name)
        uow.commit()
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Organiser {user.email} created. Sign in at /sign-in.")


@click.command("send-mail")
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
@click.option("--poll-seconds", default=2.0, show_default=True, help="How often to look for new email.")
def send_mail_command(once: bool, poll_seconds: float) -> None:
    """Deliver pending email from the outbox over SMTP, retrying failures with backoff; first queue the judges'
    reminders that are due before the judging deadline (so they need no cron of their own)."""
    from awards_app.core import mail_delivery

    if once:
        queue_judges_reminders()
        report = mail_delivery.deliver_pending()
        click.echo(report.summary())
    else:
        click.echo(f"Delivering email every {poll_seconds:g}s; press Ctrl+C to stop.")
        mail_delivery.run_worker(poll_seconds=poll_seconds, echo=click.echo, before_each_round=queue_judges_reminders)


def queue_judges_reminders() -> None:
    """Queue the automatic reminders due before judging deadlines, commit, and say how many went."""
    from awards_app.judging.deadline_reminders import queue_due_reminders

    queued = queue_due_reminders()
    uow.commit()
    if queued:
        click.echo(f"Queued {queued} reminder email(s) to judges before the judging deadline.")


@click.command("demo")
@click.option(
    "--phase",
    type=click.Choice(["nominations", "judging", "voting", "ceremony", "results"]),
    default="nominations",
    show_default=True,
    help="How far the demo edition has got.",
)
def demo_command(phase: str) -> None:
    """Build a realistic demo edition in the given phase (replacing any earlier demo) and print the sign-ins."""
    from flask import current_app

    from awards_app.demo.builder import build_demo, editions_made_by_hand

    if current_app.config["AWARDS_ENV"] == "production":
        raise click.ClickException("The demo is for trying the app; it is not built in production.")
    try:
        sign_ins = build_demo(phase)
        uow.commit()
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Demo edition built in the {phase} phase (any earlier demo edition was replaced).")
    kept = editions_made_by_hand()
    if kept:
        names = ", ".join(f"{edition.name} ({edition.year})" for edition in kept)
        click.echo(f"Kept as they were, because they were made by hand: {names}.")
    click.echo("Sign in at /sign-in with:")
    for role, email, password in sign_ins:
        click.echo(f"  {role:<10} {email:<36} password: {password}")


@click.command("purge")
def purge_command() -> None:
    """Remove what the privacy page promises to remove once it is due (see privacy.personal_data for the periods)."""
    from awards_app.nominations.drafts import purge_closed_drafts

    removed = purge_closed_drafts()
    uow.commit()
    if not removed:
        click.echo("No unfinished nomination drafts to remove.")
    for edition_name, count in removed.items():
        noun = "draft" if count == 1 else "drafts"
        click.echo(f"{edition_name}: removed {count} unfinished nomination {noun}.")

    # The public vote: plain addresses of expired vote requests, and client networks some days after a close.
    from awards_app.voting.votes import purge_vote_requests

    erased = purge_vote_requests()
    uow.commit()
    click.echo(
        f"Public vote: erased {erased['emails']} email address(es) of expired vote requests and "
        f"{erased['networks']} stored client network(s)."
    )

    # Nominators' contact details some days after the ceremony, and old emails in the outbox.
    from awards_app.privacy.personal_data import purge_nomination_contacts, purge_outbox

    contacts = purge_nomination_contacts()
    uow.commit()
    click.echo(f"Nominations: removed the contact details of {contacts} nomination(s) after the ceremony.")
    emails = purge_outbox()
    uow.commit()
    click.echo(f"Outbox: deleted {emails} email(s) sent or given up on.")

    # Each inbox's count of the emails the public caused: kept only while its day's budget can still matter.
    from awards_app.core.mail_budget import purge_mail_budgets

    budgets = purge_mail_budgets()
    uow.commit()
    click.echo(f"Email budgets: deleted {budgets} inbox count(s) from before yesterday.")


def register(app: Flask) -> None:
    """Attach the commands to the app."""
    for command in (create_organiser_command, send_mail_command, demo_command, purge_command):
        app.cli.add_command(command)
