"""Domain errors: a rule said no, with a message fit to show the person."""


class DomainError(Exception):
    """A business rule refused an operation; `field` names the form field it concerns, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The actor may not do this (permissions.py holds the rules that say so)."""


class NotFound(NotAllowed):
    """The thing asked for does not exist, or the actor may not know it does: a refusal that gives nothing away."""
