"""The page shown for an emailed link that cannot be used, saying why and what to do next."""
from awards_app.web.htmx import render_page

# What went wrong, in plain words, for each reason a link can fail.
EXPLANATIONS = {
    "expired": "This link has expired",
    "used": "This link has already been used",
    "superseded": "A newer link has been sent",
    "tampered": "This link does not work",
}


def link_problem_page(reason: str, what_next: str, status: int | None = None, ask_again: str | None = None):
    """Render the explanation for a link that failed, with the next step for this kind of link (and, given
    `ask_again`, a link to the page that sends a new one)."""
    codes = {"expired": 410, "used": 409, "superseded": 410, "tampered": 404}
    return render_page(
        "link_problem.html",
        title=EXPLANATIONS.get(reason, EXPLANATIONS["tampered"]),
        reason=reason,
        what_next=what_next,
        ask_again=ask_again,
        status=status or codes.get(reason, 404),
    )
