"""The nominee's answer to a consent request, through the emailed link."""
from flask import abort, request

from awards_app.core import uow
from awards_app.core.links import LinkProblem
from awards_app.extensions import limiter
from awards_app.nominations.consent import nomination_for_consent_link, respond_to_consent
from awards_app.nominations.models import ConsentState
from awards_app.web.consent import bp
from awards_app.web.forms import ActionForm
from awards_app.web.htmx import render_page
from awards_app.web.link_problems import link_problem_page
from awards_app.web.rate_limits import limit

WHAT_NEXT = (
    "If you still want to tell us whether you are happy to be nominated, reply to the email we sent you, "
    "or contact the awards team, and we will record your answer."
)


@bp.route("/<token>", methods=["GET", "POST"])
@limiter.limit(limit("EMAILED_LINK_LIMITS_PER_CLIENT"), methods=["POST"])
def respond(token: str):
    """Show Accept and Decline buttons (opening the link changes nothing); a button press records the answer."""
    if len(token) > 500:
        abort(404)
    form = ActionForm()
    try:
        nomination = nomination_for_consent_link(token)
        if not nomination.edition.is_public:
            raise LinkProblem("tampered")  # a draft edition is not public: the link says nothing of it
        if request.method == "POST" and form.validate_on_submit():
            choice = request.form.get("answer")
            if choice not in ("accept", "decline"):
                abort(400)
            nomination = respond_to_consent(token, accept=choice == "accept")
            uow.commit()
            return render_page("consent/answered.html", nomination=nomination, accepted=nomination.consent is ConsentState.GIVEN)
    except LinkProblem as problem:
        return link_problem_page(problem.reason, WHAT_NEXT)
    return render_page("consent/ask.html", nomination=nomination, form=form)
