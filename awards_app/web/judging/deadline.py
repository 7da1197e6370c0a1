"""The judging deadline on every judges' page: a context processor of the judges' blueprint gives base.html the
signed-in judge's deadlines, which judging/_deadline.html shows under the page's messages."""
from __future__ import annotations

from flask_login import current_user

from awards_app.judging.deadline_reminders import deadlines_for
from awards_app.permissions import is_judge
from awards_app.web.htmx import is_fragment_request
from awards_app.web.judging import bp
from awards_app.web.signed_in import current_actor


@bp.context_processor
def judging_deadlines() -> dict:
    """The signed-in judge's judging deadlines (nothing for anyone else, or on a fragment, which has no base.html)."""
    if is_fragment_request() or not current_user.is_authenticated or not is_judge(current_user):
        return {}
    return {"judging_deadlines": deadlines_for(current_actor())}
