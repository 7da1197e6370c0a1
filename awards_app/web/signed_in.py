"""The person signed in, as the services take them."""
from flask_login import current_user


def current_actor():
    """The signed-in person as a plain object (current_user is a proxy) to hand to the services as the actor."""
    return current_user._get_current_object()
