"""The public nomination journey at /nominate: a start page, one page per step, check your answers, and sending.

Each step POSTs and 303-redirects to the next; a page with problems comes back with 422, the error summary and what
was typed. "Save and come back later" saves the page as it stands and emails a link that restores the draft. The
draft is found through a random id kept in the session. The rules live in nominations/drafts.py and
nominations/submission.py; this module turns requests into calls and answers into pages.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, current_app, flash, g, redirect, request, session, url_for
from wtforms import SelectChoice

from awards_app.core import uow
from awards_app.core.columns import EMAIL_LENGTH
from awards_app.core.email_providers import canonical_address
from awards_app.core.links import LinkProblem
from awards_app.extensions import limiter
from awards_app.nominations.drafts import (
    NominationsClosed,
    StepInvalid,
    choose_category,
    draft_for_resume_link,
    draft_steps,
    email_resume_link,
    find_draft,
    incomplete_steps,
    nominations_open,
    save_answer,
    save_nominator,
    save_nominee,
    save_privacy,
    saved_answer,
    start_draft,
)
from awards_app.nominations.submission import (
    MIN_SECONDS_TO_FILL,
    DraftIncomplete,
    SpamSuspected,
    nomination_by_reference,
    submit_nomination,
)
from awards_app.programme.editions import current_edition
from awards_app.programme.phases import Phase, phase_of
from awards_app.web.forms import ActionForm, render_form, show_refusal
from awards_app.web.htmx import render_page
from awards_app.web.journeys import explain_journey_errors
from awards_app.web.link_problems import link_problem_page
from awards_app.web.nominate import bp
from awards_app.web.nominate.forms import (
    KIND_FOR,
    NOMINEE_WORDING,
    AnswerForm,
    CategoryForm,
    NominatorForm,
    NomineeForm,
    PrivacyForm,
    ResumeForm,
    SubmitForm,
)
from awards_app.web.nominate.summary import posted_rows, step_url, summary_sections
from awards_app.web.rate_limits import address_key, limit
from awards_app.web.responses import see_other

# What the session holds: the draft's public id, the reference just sent, and the last step seen.
DRAFT_KEY = "nomination_draft"
SENT_KEY = "nomination_sent"
RETURN_KEY = "nomination_return_to"

NO_DRAFT_MESSAGE = (
    "We could not find a nomination in progress in this browser. Start one here, or use the link in your "
    "'save and come back later' email."
)
FORM_EXPIRED_MESSAGE = (
    "This page was open for a long time, so for your security what you typed has not been saved yet. "
    "Check it, then press the button again."
)
RESUME_WHAT_NEXT = (
    "If nominations are still open, you can start a new nomination from the nominations page. If your nomination "
    "is still open in your browser, choose 'Save and come back later' on any page to get a new link."
)


def _resume_address_key() -> str:
    """Rate-limit key for resume-link emails to one inbox, however its address is written and whoever asks."""
    address = request.form.get("email")
    if address is None:
        draft = find_draft(session.get(DRAFT_KEY))
        address = draft.resume_email if draft is not None else ""
    return address_key("resume-email", canonical_address((address or "")[: EMAIL_LENGTH + 1]))


# One budget shared by "send the link" and "send it again", per connection and per email address.
resume_email_per_client = limiter.shared_limit(
    limit("RESUME_EMAIL_LIMITS_PER_CLIENT"), scope="resume-email-client", methods=["POST"]
)
resume_email_per_address = limiter.shared_limit(
    limit("RESUME_EMAIL_LIMITS_PER_ADDRESS"), scope="resume-email-address", key_func=_resume_address_key,
    methods=["POST"],
)


# --- Helpers ---------------------------------------------------------------------------------------------------


def _changing() -> bool:
    """Whether the person came from check your answers (a Change link), and should go back there."""
    return request.args.get("change") == "1"


def _window_page(edition, draft=None, form=None, status: int = 200):
    """Say that nominations are not open, with the dates; show any text the person wrote so that none is lost."""
    phase = phase_of(edition) if edition is not None else None
    if edition is None:
        heading = "Nominations are not open"
    elif phase is Phase.UPCOMING:
        heading = "Nominations are not open yet"
    else:
        heading = "Nominations have closed"
    return render_page(
        "nominate/window.html",
        edition=edition,
        phase=phase,
        heading=heading,
        sections=summary_sections(draft, change_links=False) if draft is not None else [],
        posted=posted_rows(form) if request.method == "POST" else [],
        status=status,
    )


def journey_step(view):
    """Give the view the session's draft; outside the window say so; without a draft go to the start page.

    A POST goes through even after the close: the service refuses it, and the page shows what was typed.
    """

    @wraps(view)
    def wrapped(**kwargs):
        draft = find_draft(session.get(DRAFT_KEY))
        if draft is None:
            edition = current_edition()
            if not nominations_open(edition):
                return _window_page(edition, status=403 if request.method == "POST" else 200)
            flash(NO_DRAFT_MESSAGE, "info")
            return see_other(url_for(".start"))
        if request.method == "GET" and not nominations_open(draft.edition):
            return _window_page(draft.edition, draft)
        return view(draft, **kwargs)

    return wrapped


def _next_url(draft, step_key: str) -> str:
    """Where Continue leads: the next step, or (after a Change link) the first unfinished step or the check page."""
    if _changing():
        missing = incomplete_steps(draft)
        return step_url(missing[0].name, missing[0].number, change=1) if missing else url_for(".check")
    steps = draft_steps(draft)
    keys = [step.key for step in steps]
    position = keys.index(step_key) + 1 if step_key in keys else len(steps)
    if position < len(steps):
        return step_url(steps[position].name, steps[position].number)
    return url_for(".check")


def _back_url(draft, step_key: str) -> str:
    """Where the Back link leads: the previous step, the start page, or check your answers after a Change link."""
    if _changing():
        return url_for(".check")
    steps = draft_steps(draft)
    keys = [step.key for step in steps]
    position = keys.index(step_key) if step_key in keys else len(steps)
    if position == 0:
        return url_for(".start")
    previous = steps[position - 1]
    return step_url(previous.name, previous.number)


def _return_url(draft) -> str:
    """The step the person was last on, to go back to from the save pages."""
    path = session.get(RETURN_KEY) or ""
    if path.startswith("/nominate/") and not path.startswith("//"):
        return path
    missing = incomplete_steps(draft)
    return step_url(missing[0].name, missing[0].number) if missing else url_for(".check")


def _step(draft, form, step_key: str, save, template: str, **context):
    """Show a step, or save what was sent: Continue goes on; Save and come back later keeps the page as it is."""
    session[RETURN_KEY] = request.full_path.rstrip("?")
    if request.method == "POST" and g.get("form_expired"):
        form.form_errors.append(FORM_EXPIRED_MESSAGE)  # shown again with what was typed, and a fresh token
    elif request.method == "POST":
        for_later = request.form.get("action") == "save"
        try:
            save(complete=not for_later)
        except NominationsClosed:
            return _window_page(draft.edition, draft, form, status=403)
        except StepInvalid as error:
            show_refusal(form, error, messages=error.problems)
        else:
            uow.commit()
            return see_other(url_for(".save_for_later") if for_later else _next_url(draft, step_key))
    return render_form(
        template,
        form,
        draft=draft,
        back_url=_back_url(draft, step_key),
        **context,
    )


def _saved(draft, section: str) -> dict | None:
    """A step's saved values, to fill its form on a GET (a POST fills it from what was sent)."""
    return dict((draft.data or {}).get(section, {})) if request.method == "GET" else None


# --- The start ---------------------------------------------------------------------------------------------------


@bp.get("")
def start():
    """Show the categories, their eligibility, the closing date and what happens next, with a Start button."""
    edition = current_edition()
    if not nominations_open(edition):
        return _window_page(edition)
    draft = find_draft(session.get(DRAFT_KEY))
    if draft is not None and draft.edition_id != edition.id:
        draft = None
    continue_url = None
    if draft is not None:
        missing = incomplete_steps(draft)
        continue_url = step_url(missing[0].name, missing[0].number) if missing else url_for(".check")
    return render_page("nominate/start.html", edition=edition, form=ActionForm(), continue_url=continue_url)


@bp.get("/")
def start_with_slash():
    """Send /nominate/ to the start page, for people who type the address with a slash."""
    return redirect(url_for(".start"), code=308)


@bp.post("/start")
@limiter.limit(limit("NOMINATION_START_LIMITS_PER_CLIENT"))
def begin():
    """Start a new draft and go to the first question."""
    edition = current_edition()
    try:
        draft = start_draft(edition)
    except NominationsClosed:
        return _window_page(edition, status=403)
    uow.commit()
    session[DRAFT_KEY] = draft.public_id
    session.pop(SENT_KEY, None)
    return see_other(url_for(".category"))


# --- The steps ---------------------------------------------------------------------------------------------------


@bp.route("/category", methods=["GET", "POST"])
@journey_step
def category(draft):
    """Ask which award the nomination is for."""
    form = CategoryForm()
    categories = draft.edition.categories
    form.category.choices = [SelectChoice(str(item.id), item.name) for item in categories]
    if request.method == "GET" and draft.category_id:
        form.category.data = str(draft.category_id)
    return _step(
        draft, form, "category",
        lambda complete: choose_category(draft, form.category.data, complete),
        "nominate/category.html",
        categories={str(item.id): item for item in categories},
        kind_for=KIND_FOR,
    )


@bp.route("/nominee", methods=["GET", "POST"])
@journey_step
def nominee(draft):
    """Ask who or what is nominated, in the words the category's kind of nominee needs."""
    if draft.category is None:
        return see_other(step_url("category"))
    wording = NOMINEE_WORDING[draft.category.nominee_kind]
    form = NomineeForm(data=_saved(draft, "nominee"))
    form.use_wording(wording)
    return _step(
        draft, form, "nominee",
        lambda complete: save_nominee(
            draft, name=form.name.data, organisation=form.organisation.data,
            local_authority=form.local_authority.data, email=form.email.data, complete=complete,
        ),
        "nominate/nominee.html",
        wording=wording,
    )


@bp.route("/question/<int:number>", methods=["GET", "POST"])
@journey_step
def question(draft, number: int):
    """Ask one of the category's questions, with its word limit."""
    if draft.category is None:
        return see_other(step_url("category"))
    questions = draft.category.questions
    if not 1 <= number <= len(questions):
        abort(404)
    item = questions[number - 1]
    form = AnswerForm(data={"answer": saved_answer(draft, item)} if request.method == "GET" else None)
    form.answer.label.text = item.prompt
    return _step(
        draft, form, f"question-{item.id}",
        lambda complete: save_answer(draft, item, form.answer.data, complete),
        "nominate/question.html",
        question=item, number=number, count=len(questions),
    )


@bp.route("/you", methods=["GET", "POST"])
@journey_step
def nominator(draft):
    """Ask for the nominator's own details."""
    form = NominatorForm(data=_saved(draft, "nominator"))
    return _step(
        draft, form, "nominator",
        lambda complete: save_nominator(
            draft, name=form.name.data, email=form.email.data, relationship=form.relationship.data,
            phone=form.phone.data, complete=complete,
        ),
        "nominate/nominator.html",
    )


@bp.route("/privacy", methods=["GET", "POST"])
@journey_step
def privacy(draft):
    """Show how the information will be used, and ask the nominator to confirm they have read it."""
    saved = {"agree": bool((draft.data or {}).get("privacy_agreed"))} if request.method == "GET" else None
    form = PrivacyForm(data=saved)
    return _step(
        draft, form, "privacy",
        lambda complete: save_privacy(draft, form.agree.data, complete),
        "nominate/privacy.html",
    )


# --- Check your answers and send ---------------------------------------------------------------------------------


@bp.route("/check", methods=["GET", "POST"])
@limiter.limit(limit("NOMINATION_SUBMIT_LIMITS_PER_CLIENT"), methods=["POST"])
@journey_step
def check(draft):
    """Show every answer with Change links; sending turns the draft into a nomination."""
    form = SubmitForm()
    if request.method == "POST":
        try:
            nomination = submit_nomination(
                draft,
                honeypot=form.website.data,
                min_seconds=current_app.config.get("NOMINATION_MIN_SECONDS", MIN_SECONDS_TO_FILL),
            )
        except NominationsClosed:
            return _window_page(draft.edition, draft, status=403)
        except SpamSuspected as error:
            return render_page("nominate/not_sent.html", reason=error.reason, status=422)
        except DraftIncomplete as error:
            first = error.steps[0]
            return see_other(step_url(first.name, first.number, change=1))
        uow.commit()
        for key in (DRAFT_KEY, RETURN_KEY):
            session.pop(key, None)
        session[SENT_KEY] = nomination.reference
        return see_other(url_for(".sent"))
    missing = incomplete_steps(draft)
    if missing:
        return see_other(step_url(missing[0].name, missing[0].number))
    session[RETURN_KEY] = url_for(".check")
    return render_page(
        "nominate/check.html", form=form, draft=draft, sections=summary_sections(draft),
        back_url=step_url("privacy"),
    )


@bp.get("/sent")
def sent():
    """Confirm the nomination was sent, with its reference and what happens next."""
    nomination = nomination_by_reference(session.get(SENT_KEY))
    if nomination is None:
        return see_other(url_for(".start"))
    return render_page("nominate/sent.html", nomination=nomination, edition=nomination.edition)


# --- Save and come back later --------------------------------------------------------------------------------------


@bp.route("/save", methods=["GET", "POST"])
@resume_email_per_client
@resume_email_per_address
@journey_step
def save_for_later(draft):
    """Ask where to email the link that brings the nomination back, and send it."""
    form = ResumeForm()
    if request.method == "POST":
        try:
            email_resume_link(draft, form.email.data)
        except NominationsClosed:
            return _window_page(draft.edition, draft, form, status=403)
        except StepInvalid as error:
            show_refusal(form, error, messages=error.problems)
        else:
            uow.commit()
            return see_other(url_for(".save_sent"))
    else:
        form.email.data = draft.resume_email or (draft.data or {}).get("nominator", {}).get("email", "")
    return render_form("nominate/save.html", form, draft=draft, back_url=_return_url(draft))


@bp.get("/save/sent")
@journey_step
def save_sent(draft):
    """Check your email: the address the link went to, and a way to send it again."""
    if not draft.resume_email:
        return see_other(url_for(".save_for_later"))
    return render_page("nominate/save_sent.html", form=ActionForm(), draft=draft, return_url=_return_url(draft))


@bp.post("/save/resend")
@resume_email_per_client
@resume_email_per_address
@journey_step
def resend(draft):
    """Send the link again to the same address (the older link stops working)."""
    if not draft.resume_email:
        return see_other(url_for(".save_for_later"))
    try:
        email_resume_link(draft, draft.resume_email)
    except NominationsClosed:
        return _window_page(draft.edition, draft, status=403)
    uow.commit()
    flash("We have sent the email again. Only the link in the newest email works.", "success")
    return see_other(url_for(".save_sent"))


@bp.get("/resume/<token>")
def resume(token: str):
    """Bring a saved nomination back into this browser (opening the link sends nothing), then carry on."""
    if len(token) > 500:
        abort(404)
    try:
        draft = draft_for_resume_link(token)
    except LinkProblem as problem:
        return link_problem_page(problem.reason, RESUME_WHAT_NEXT)
    session[DRAFT_KEY] = draft.public_id
    session.pop(SENT_KEY, None)
    if not nominations_open(draft.edition):
        return _window_page(draft.edition, draft)
    flash("Welcome back. Your nomination is as you left it.", "success")
    missing = incomplete_steps(draft)
    return see_other(step_url(missing[0].name, missing[0].number) if missing else url_for(".check"))


@bp.after_request
def keep_out_of_caches(response):
    """Nomination pages hold personal details: no browser or proxy may keep a copy (think of shared computers)."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


# --- Errors ------------------------------------------------------------------------------------------------------


def _send_after_expiry():
    """A check page whose form expired: say so, and show the answers again to send (None elsewhere)."""
    if request.endpoint == "nominate.check" and find_draft(session.get(DRAFT_KEY)) is not None:
        flash("This page was open for a long time, so for your security the nomination was not sent. "
              "Check your answers, then send it again.", "info")
        return see_other(url_for(".check"))
    return None


explain_journey_errors(
    bp,
    # The steps whose page is shown again, with what was typed, when its form has expired.
    drawn_again={
        "nominate.category", "nominate.nominee", "nominate.question", "nominate.nominator", "nominate.privacy",
    },
    after_expiry=_send_after_expiry,
    limits_explained={
        "nominate.check": (
            "Your nomination has not been sent yet",
            "Too many nominations have been sent from your internet connection in a short time. Your answers are "
            "saved in this browser: wait an hour, then go back to check your answers and send the nomination again.",
        ),
        **dict.fromkeys(("nominate.save_for_later", "nominate.resend"), (
            "We cannot send another email just now",
            "We have sent several emails in a short time. Your nomination is still saved in this browser, so you "
            "can go back and carry on now, or wait an hour and ask for the link again.",
        )),
    },
)
