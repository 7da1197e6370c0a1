"""The web layer: one blueprint package per audience, and what they share.

Audiences (each package makes its `bp` and imports its own route modules; create_app registers it at its address):
public, nominate, vote, consent, auth, judging, admin, and devmail in development. They are the security boundary
that tests/web/test_access_matrix.py walks.

Shared by every audience, one way each:
  forms.py        the button form, Required, length messages, the email box; save_form, button_action and
                  show_refusal (a service's DomainError shown on the form)
  responses.py    see_other (the 303 after a change), safe_next, no_store
  signed_in.py    current_actor(): the person signed in, as the services take them
  rate_limits.py  every rate limit, by name, and the key that counts one email address
  database_ids.py the <int:...> converter for database ids, and database_id() for ids typed into forms
  journeys.py     the nomination's and the vote's pages after an expired token or a rate limit
  access.py       who may use a view (organiser_required, judge_required)
  caching/        public pages kept a moment (page_cache.py), results polls answered early (early_polls.py)
  htmx.py, sessions.py, error_pages.py, security_headers.py, template_helpers.py, uploads.py, downloads.py,
  link_problems.py, charts.py
"""
