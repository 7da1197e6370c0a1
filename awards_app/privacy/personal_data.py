"""One person's data on request: find everything held about an email address, export it, or erase it; and retention.

What is found for an address (case does not matter; votes are found by the voter key of the canonical address, so
"Jo.Bloggs+awards@googlemail.com" finds the votes of jo.bloggs@gmail.com):
  nominations they made (nominator's email), nominations of them (nominee's email), addresses an organiser's
  correction kept (an address corrected away from may be a stranger's: only those kept values are theirs, never the
  nomination), unfinished drafts (the address
  to resume, or the nominator's or nominee's address typed into it), vote requests (plain address or voter key),
  votes (voter key), invitations to a ceremony, messages from the organisers, an organiser or judge account, emails
  in the outbox (to any spelling of the same inbox), and audit events that name the address.

The rules of erase_personal_data (the page in the organisers' area repeats them):
  - Nominations they made: the nominator's name becomes "Erased on request"; their email address, phone number and
    relationship to the nominee are blanked, and so are the values organisers' corrections kept of them (and those
    corrections' reasons). The nomination itself is about someone else and stays.
  - Nominations of them: the nominee's email address is blanked, their name becomes "Erased on request", their
    organisation, the public summary and the consent note are blanked, each answer becomes "Erased on request" (the
    values organisers' corrections kept of them, answers a move did not carry over and those reasons too), and a
    finalist's public name and image are removed. The nomination's place in judging and results stays (withdrawing
    it is a separate decision on its own page); judges' scores and comments are kept with the year's records.
  - Addresses kept only by a correction (an organiser replaced them, or entered them and then replaced them): the
    kept address, and a correction's reason that names it, become "Erased on request"; nothing else of that
    nomination changes, because it is about someone else.
  - Drafts: deleted, and their emailed links stop working.
  - Vote requests: pending ones are cancelled (their links stop working); every plain address, email domain and
    shortened client address is blanked; the voter key is replaced by a random one that belongs to no address.
  - Votes: kept and counted (the result must not change after the fact), with the voter key replaced by a random one
    and the email domain and client address blanked; the receipt code stays, and only the voter has it. One vote per
    person can then no longer be checked for this person: in a contest still open they could vote again. The page
    warns about that before anything is erased.
  - Invitations to a ceremony: deleted with their answers and access needs, and their RSVP links stop working.
  - Messages from the organisers: the address and name on each message's list of recipients are blanked (the row
    stays, so the message's counts stay true).
  - An organiser's or judge's account: deactivated, signed out everywhere, and anonymised (name "Erased on request",
    an address that can receive nothing, no password, no two-factor secret, no affiliations). Scores, conflicts and
    ranks stay, attached to the anonymous account. Nobody can erase their own account, or the last active organiser.
  - Emails to the address: deleted from the outbox, sent or not, except one being sent at this very moment (the page
    says so; erase again a minute later).
  - The audit log is append-only: earlier events that name the address (an organiser's or judge's sign-ins, a judge's
    invitation) stay, as the record of who did what. The erasure is logged with who did it, why and how many things
    changed, never with the erased data or the address.

Retention (run daily by `flask purge`): nominators' names and contact details and nominees' email addresses are
removed NOMINATION_CONTACT_RETENTION_DAYS after the ceremony; emails are deleted from the outbox
OUTBOX_RETENTION_DAYS after they were sent or given up on; ceremony invitations (with their access needs) are deleted
and the addresses on messages' lists of recipients blanked NOMINATION_CONTACT_RETENTION_DAYS after their ceremony too;
so are the nominators' details and nominees' addresses that organisers' corrections kept.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import String, cast, delete, func, or_, select, update

from awards_app.accounts.models import Role, SignInSession, User
from awards_app.ceremony.models import CeremonyInvitation
from awards_app.ceremony.rsvp import delete_invitations, invitations_of, purge_invitations
from awards_app.messaging.messages import erase_recipients, purge_recipients, received_by, settle_deliveries
from awards_app.messaging.models import MessageRecipient
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.columns import EMAIL_LENGTH
from awards_app.core.email_providers import canonical_address, domains_of_one_inbox
from awards_app.core.errors import DomainError
from awards_app.core.models import AuditEvent, OutboxEmail, OutboxStatus
from awards_app.extensions import db
from awards_app.judging.models import Finalist
from awards_app.nominations import corrections
from awards_app.nominations.drafts import delete_draft
from awards_app.nominations.models import Nomination, NominationCorrection, NominationDraft
from awards_app.permissions import is_organiser, is_someone_else
from awards_app.programme.models import Edition
from awards_app.voting.counters import blank_sources
from awards_app.voting.models import Vote, VoteRequest
from awards_app.voting.voter_keys import voter_key

ERASED = "Erased on request"
REMOVED_AFTER_CEREMONY = "Removed after the ceremony"
REASON_MAX = 1000
DEFAULT_CONTACT_RETENTION_DAYS = 30
DEFAULT_OUTBOX_RETENTION_DAYS = 7


@dataclass
class PersonalData:
    """Everything held about one address, each kind as a list of model rows."""

    address: str
    nominations_made: list[Nomination] = field(default_factory=list)
    nominations_of: list[Nomination] = field(default_factory=list)
    drafts: list[NominationDraft] = field(default_factory=list)
    vote_requests: list[VoteRequest] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)
    invitations: list[CeremonyInvitation] = field(default_factory=list)
    messages: list[MessageRecipient] = field(default_factory=list)
    accounts: list[User] = field(default_factory=list)
    emails: list[OutboxEmail] = field(default_factory=list)
    corrected_addresses: list[NominationCorrection] = field(default_factory=list)
    audit_events: list[AuditEvent] = field(default_factory=list)

    @property
    def erasable(self) -> int:
        """How many things an erasure would change (audit events are not among them)."""
        return sum(len(rows) for rows in (self.nominations_made, self.nominations_of, self.drafts,
                                          self.vote_requests, self.votes, self.invitations, self.messages,
                                          self.accounts,
                                          self.emails, self.corrected_addresses))

    @property
    def is_empty(self) -> bool:
        """Whether nothing at all is held about the address."""
        return not self.erasable and not self.audit_events

    def votes_in_open_contests(self, now: datetime | None = None) -> list[Vote]:
        """Votes in contests still open: erasing them lets this person vote again there."""
        moment = now or clock.now()
        return [vote for vote in self.votes if vote.contest.closes_at > moment]


def checked_address(email) -> str:
    """The address to search for, trimmed and lower-cased; raises DomainError (field "email") when it is not one."""
    address = str(email or "").strip().lower()
    if not address:
        raise DomainError("Enter the person's email address", field="email")
    if len(address) > EMAIL_LENGTH or "@" not in address or any(ch.isspace() for ch in address):
        raise DomainError("Enter an email address in the correct format, like name@example.org", field="email")
    return address


def _draft_mentions(draft: NominationDraft, address: str) -> bool:
    """Whether the address is the draft's resume address or was typed into it as the nominator's or nominee's."""
    data = draft.data or {}
    typed = [draft.resume_email]
    for step in ("nominator", "nominee"):
        values = data.get(step)
        if isinstance(values, dict):
            typed.append(values.get("email"))
    return any(isinstance(value, str) and value.strip().lower() == address for value in typed)


def find_personal_data(email) -> PersonalData:
    """Everything held about the address (see the module's docstring for what is looked at)."""
    address = checked_address(email)
    key = voter_key(address)
    found = PersonalData(address=address)
    found.nominations_made = list(db.session.scalars(
        select(Nomination).where(func.lower(Nomination.nominator_email) == address).order_by(Nomination.id)))
    found.nominations_of = list(db.session.scalars(
        select(Nomination).where(func.lower(Nomination.nominee_email) == address).order_by(Nomination.id)))
    # An address only a correction kept may be a stranger's that was typed by mistake: only those rows are theirs.
    found.corrected_addresses = corrections.rows_holding(
        address, [row.id for row in (*found.nominations_made, *found.nominations_of)])
    # Drafts only live while their edition takes nominations, so there are few: their JSON is read here.
    found.drafts = [draft for draft in db.session.scalars(select(NominationDraft).order_by(NominationDraft.id))
                    if _draft_mentions(draft, address)]
    found.vote_requests = list(db.session.scalars(
        select(VoteRequest)
        .where(or_(VoteRequest.voter_key == key, func.lower(VoteRequest.email) == address))
        .order_by(VoteRequest.id)))
    found.votes = list(db.session.scalars(select(Vote).where(Vote.voter_key == key).order_by(Vote.id)))
    found.invitations = invitations_of(address)
    found.messages = received_by(address)
    found.accounts = list(db.session.scalars(select(User).where(func.lower(User.email) == address)))
    # Emails go to the address as it was typed each time (capitals, a +tag, Gmail's dots): the candidates at the
    # same domain are read, and those whose canonical form is this address's are kept.
    # (A domain's subdomains are read too, for Fastmail's anything@name.fastmail.com.)
    canonical = canonical_address(address)
    domains = {address.rpartition("@")[2]} | domains_of_one_inbox(canonical.rpartition("@")[2])
    to_address = func.lower(OutboxEmail.to_address)
    candidates = db.session.scalars(
        select(OutboxEmail)
        .where(or_(*[to_address.endswith(joint + domain, autoescape=True) for domain in domains for joint in "@."]))
        .order_by(OutboxEmail.id))
    found.emails = [email for email in candidates if canonical_address(email.to_address) == canonical]
    # Audit details are JSON: a text search of them finds an address named in any detail.
    found.audit_events = list(db.session.scalars(
        select(AuditEvent)
        .where(or_(func.lower(AuditEvent.actor_label) == address,
                   func.lower(cast(AuditEvent.details, String)).contains(address, autoescape=True)))
        .order_by(AuditEvent.id)))
    return found


def _when(moment: datetime | None) -> str | None:
    """A moment as ISO 8601 text, for JSON."""
    return moment.isoformat() if moment is not None else None


def export_personal_data(found: PersonalData) -> dict:
    """Everything found, as plain JSON-ready values, for the person who asked."""
    def nomination(row: Nomination) -> dict:
        return {
            "reference": row.reference, "edition": row.edition.name, "category": row.category.name,
            "submitted_at": _when(row.submitted_at), "status": row.status.value,
            "nominee_name": row.nominee_name, "nominee_organisation": row.nominee_organisation,
            "nominee_email": row.nominee_email, "local_authority": row.local_authority,
            "nominator_name": row.nominator_name, "nominator_email": row.nominator_email,
            "nominator_relationship": row.nominator_relationship, "nominator_phone": row.nominator_phone,
            "consent": row.consent.value, "consent_recorded_at": _when(row.consent_recorded_at),
            "answers": [{"question": answer.question.prompt, "text": answer.text} for answer in row.answers],
            "corrections": [{"field": change.field, "question": change.question_prompt,
                             "moved_to_question": change.to_question_prompt, "before": change.before,
                             "after": change.after, "reason": change.reason, "at": _when(change.corrected_at)}
                            for change in row.corrections],
        }

    return {
        "address": found.address,
        "exported_at": _when(clock.now()),
        "nominations_made": [nomination(row) for row in found.nominations_made],
        "nominations_of_them": [nomination(row) for row in found.nominations_of],
        "drafts": [{"started_at": _when(row.started_at), "updated_at": _when(row.updated_at),
                    "resume_email": row.resume_email, "data": row.data} for row in found.drafts],
        "vote_requests": [{"award": row.contest.category.name, "created_at": _when(row.created_at),
                           "expires_at": _when(row.expires_at), "confirmed_at": _when(row.confirmed_at),
                           "cancelled_at": _when(row.superseded_at), "email": row.email,
                           "email_domain": row.email_domain, "client_network": row.client_network}
                          for row in found.vote_requests],
        "votes": [{"award": row.contest.category.name, "cast_at": _when(row.cast_at),
                   "receipt_code": row.receipt_code, "voided_at": _when(row.voided_at), "void_reason": row.void_reason,
                   "email_domain": row.email_domain, "client_network": row.client_network} for row in found.votes],
        "ceremony_invitations": [{"edition": row.edition.name, "name": row.name, "email": row.email,
                                  "answer": row.answer, "access_needs": row.access_needs,
                                  "answered_at": _when(row.answered_at), "invited_at": _when(row.created_at)}
                                 for row in found.invitations],
        "messages_received": [{"subject": row.message.subject, "sent_at": _when(row.message.sent_at), "name": row.name,
                               "email": row.email} for row in found.messages],
        "accounts": [{"role": row.role.value, "email": row.email, "name": row.name, "affiliations": row.affiliations,
                      "active": row.active, "created_at": _when(row.created_at),
                      "last_sign_in_at": _when(row.last_sign_in_at)} for row in found.accounts],
        "emails": [{"subject": row.subject, "status": row.status.value, "created_at": _when(row.created_at),
                    "sent_at": _when(row.sent_at), "text": row.text_body} for row in found.emails],
        # Only the address itself: the rest of such a nomination (and the correction's reason) is someone else's.
        "addresses_corrected_by_organisers": [
            {"field": corrections.FIELD_LABELS[row.field], "address": found.address,
             "replaced_at": _when(row.corrected_at) if row.before.lower() == found.address else None,
             "entered_at": _when(row.corrected_at) if row.after.lower() == found.address else None}
            for row in found.corrected_addresses],
        "audit_events": [{"at": _when(row.at), "action": row.action, "details": row.details}
                         for row in found.audit_events],
    }


def _unlinked_key() -> str:
    """A random voter key that belongs to no address (64 characters, like a real one, and never equal to one)."""
    return "erased-" + secrets.token_hex(28)


def _check_accounts(actor: User, accounts: list[User]) -> None:
    """Refuse to erase the actor's own account or the last active organiser."""
    for account in accounts:
        is_someone_else.require(
            actor, account, refusal="You cannot erase your own account. Ask another organiser to do it."
        )
        if account.role is Role.ORGANISER and account.active:
            others = db.session.scalar(select(func.count(User.id)).where(
                User.role == Role.ORGANISER, User.active.is_(True), User.id != account.id))
            if not others:
                raise DomainError("This is the last active organiser's account, so it cannot be erased.")


def erase_personal_data(actor: User, email, reason) -> dict[str, int]:
    """Erase or anonymise everything held about the address under the rules above; how many of each were changed.

    Raises DomainError for a missing reason, the actor's own account or the last organiser. The caller commits.
    """
    is_organiser.require(actor)
    reason = str(reason or "").strip()
    if not reason:
        raise DomainError("Enter the reason for erasing (for example, the date and how the person asked)",
                          field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError("The reason must be 1,000 characters or fewer", field="reason")
    found = find_personal_data(email)
    _check_accounts(actor, found.accounts)
    now = clock.now()

    for nomination in found.nominations_made:
        nomination.nominator_name = ERASED
        nomination.nominator_email = ""
        nomination.nominator_phone = ""
        nomination.nominator_relationship = ""
        corrections.erase_values(nomination, corrections.NOMINATORS_ROWS, ERASED)
    for nomination in found.nominations_of:
        _erase_nominee(actor, nomination)
    for row in found.corrected_addresses:
        corrections.erase_address(row, found.address, ERASED)
    for draft in found.drafts:
        delete_draft(draft)

    # A pending request's link stops working once the request is marked replaced.
    pending = [row.id for row in found.vote_requests if row.confirmed_at is None and row.superseded_at is None]
    keys = {row.voter_key for row in found.vote_requests} | {vote.voter_key for vote in found.votes}
    replacement = {key: _unlinked_key() for key in keys}  # one new key per old one, so request and vote still pair
    for row in found.vote_requests:
        if row.id in pending:
            row.superseded_at = now
        row.email, row.email_domain, row.client_network = None, "", ""
        row.voter_key = replacement[row.voter_key]
    blank_sources(found.votes)  # the vote figures count them under no domain and no address block
    for vote in found.votes:
        vote.voter_key = replacement[vote.voter_key]
        vote.email_domain, vote.client_network = "", ""

    delete_invitations(found.invitations)
    erase_recipients(found.messages)
    for account in found.accounts:
        _anonymise_account(account, now)

    sending = [email for email in found.emails if email.status is OutboxStatus.SENDING]
    gone = [email.id for email in found.emails if email.status is not OutboxStatus.SENDING]
    if gone:
        settle_deliveries(gone)
        db.session.execute(delete(OutboxEmail).where(OutboxEmail.id.in_(gone))
                           .execution_options(synchronize_session=False))
    db.session.flush()
    counts = {
        "nominations_made": len(found.nominations_made), "nominations_of": len(found.nominations_of),
        "drafts": len(found.drafts), "vote_requests": len(found.vote_requests), "votes": len(found.votes),
        "ceremony_invitations": len(found.invitations), "messages_received": len(found.messages),
        "accounts": len(found.accounts), "corrected_addresses": len(found.corrected_addresses),
        "emails_deleted": len(gone), "emails_being_sent": len(sending),
    }
    # Never the address or anything erased: only who, why, and how many.
    record_event(actor, "personal_data.erased", None, reason=reason, **counts)
    db.session.expire_all()
    return counts


def _erase_nominee(actor: User, nomination: Nomination) -> None:
    """Erase the nominee's details from a nomination, its answers and its finalist entries."""
    nomination.nominee_email = None
    nomination.nominee_name = ERASED
    nomination.nominee_organisation = ""
    nomination.public_summary = ""
    nomination.consent_note = ""
    for answer in nomination.answers:
        answer.text = ERASED
    corrections.erase_values(nomination, corrections.NOMINEES_ROWS, ERASED)
    for finalist in db.session.scalars(select(Finalist).where(Finalist.nomination_id == nomination.id)):
        finalist.public_name = ""
        if finalist.image_filename:
            from awards_app.publication.public_shortlist import remove_finalist_image

            remove_finalist_image(actor, finalist)


def _anonymise_account(account: User, now: datetime) -> None:
    """Deactivate an account, end its sessions and remove what names the person."""
    account.active = False
    account.email = f"erased-{account.id}@erased.invalid"  # unique, and .invalid can never receive email
    account.name = ERASED
    account.password_hash = None
    account.affiliations = ""
    account.totp_secret = None
    account.two_factor_since = None
    db.session.execute(
        update(SignInSession)
        .where(SignInSession.user_id == account.id, SignInSession.ended_at.is_(None))
        .values(ended_at=now)
        .execution_options(synchronize_session=False)
    )


# --- Retention (flask purge) ---------------------------------------------------------------------------------------


def _days(setting: str, default: int, given: int | None) -> int:
    """A retention period in days: the one given, else the app's setting, else the default."""
    if given is not None:
        return given
    return int(current_app.config.get(setting) or default)


def purge_nomination_contacts(now: datetime | None = None, retention_days: int | None = None) -> int:
    """Remove nominators' names and contact details and nominees' addresses some days after each ceremony.

    Returns how many nominations changed. The nominations, their answers and the nominees' names stay with the year's
    records (judging, the shortlist and the results refer to them).
    """
    now = now or clock.now()
    days = _days("NOMINATION_CONTACT_RETENTION_DAYS", DEFAULT_CONTACT_RETENTION_DAYS, retention_days)
    past = select(Edition.id).where(Edition.ceremony_at <= now - timedelta(days=days))
    changed = db.session.execute(
        update(Nomination)
        .where(Nomination.edition_id.in_(past),
               or_(Nomination.nominator_name != REMOVED_AFTER_CEREMONY, Nomination.nominee_email.is_not(None)))
        .values(nominator_name=REMOVED_AFTER_CEREMONY, nominator_email="", nominator_phone="",
                nominator_relationship="", nominee_email=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    corrected = corrections.purge_contact_values(select(Nomination.id).where(Nomination.edition_id.in_(past)),
                                                 REMOVED_AFTER_CEREMONY)
    invitations = purge_invitations(now - timedelta(days=days))
    message_recipients = purge_recipients(now - timedelta(days=days))
    db.session.expire_all()
    if changed or corrected or invitations or message_recipients:
        record_event(None, "nominations.contacts_purged", None, nominations=changed, corrections=corrected,
                     ceremony_invitations=invitations, message_recipients=message_recipients, retention_days=days)
    return changed


def purge_outbox(now: datetime | None = None, retention_days: int | None = None) -> int:
    """Delete emails sent, or given up on, more than the retention period ago; emails still waiting are kept."""
    now = now or clock.now()
    days = _days("OUTBOX_RETENTION_DAYS", DEFAULT_OUTBOX_RETENTION_DAYS, retention_days)
    cutoff = now - timedelta(days=days)
    ended = list(db.session.scalars(select(OutboxEmail.id).where(or_(
        (OutboxEmail.status == OutboxStatus.SENT) & (OutboxEmail.sent_at <= cutoff),
        (OutboxEmail.status == OutboxStatus.FAILED) & (OutboxEmail.created_at <= cutoff),
    ))))
    settle_deliveries(ended)
    removed = db.session.execute(
        delete(OutboxEmail).where(OutboxEmail.id.in_(ended)).execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire_all()
    if removed:
        record_event(None, "outbox.purged", None, emails=removed, retention_days=days)
    return removed
