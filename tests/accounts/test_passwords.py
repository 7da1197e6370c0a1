"""Passwords that are easy to guess are refused: the shipped common list, the person's name and address, the site."""
import pytest

from awards_app.accounts import passwords, users
from awards_app.core.errors import DomainError

HARDER = "Choose a password that is harder to guess: "


def test_the_shipped_list_is_a_real_list_of_common_passwords():
    listed = passwords.common_passwords()
    assert len(listed) >= 10_000
    assert {"password", "123456", "qwerty", "iloveyou", "sunshine"} <= listed
    assert all(entry == entry.lower() for entry in listed)


@pytest.mark.parametrize(
    "password",
    [
        "password1234",  # on the list as it is
        "qwerty123456",
        "PASSWORD1234",  # compared case-insensitively
        "Password-2024!",  # a listed one with a year and symbols around it
        "sunshine2025!!",
        "iloveyou iloveyou",  # a listed one repeated
        "passwordpassword",
        "abcabcabcabc",  # a short run repeated
        "123456789012",  # runs of neighbouring characters
        "qwertyuiopas",
        "zyxwvutsrqpo",
    ],
)
def test_common_passwords_are_refused(db_session, password):
    with pytest.raises(DomainError) as refusal:
        users.create_organiser("someone@example.org", password)
    assert refusal.value.message.startswith(HARDER)
    assert refusal.value.field == "password"


@pytest.mark.parametrize(
    "password",
    [
        "jane.smith@example.org",  # the whole address
        "JaneSmith2024!",  # the name with a year
        "jane.smith-1234",  # the address's local part
        "Smith Jane 2026!!",  # the name's parts in another order
        "Jane-purple-2026",  # the name and a common word
    ],
)
def test_the_persons_name_and_address_are_refused(db_session, password):
    with pytest.raises(DomainError, match="too close to your name or email address"):
        users.create_organiser("jane.smith@example.org", password, name="Jane Smith")


@pytest.mark.parametrize("password", ["SelfManagementAwards1", "Self Management 2026", "MyAwards2026!!", "Awards Alliance 2026!"])
def test_the_sites_name_is_refused(db_session, password):
    with pytest.raises(DomainError, match="too close to the name of the awards"):
        users.create_organiser("someone@example.org", password)


@pytest.mark.parametrize(
    "password", ["correct horse battery staple", "heather curlew bothy lantern", "Jane-zebra-cactus-moonlight"]
)
def test_passwords_that_are_hard_to_guess_pass(db_session, password):
    user = users.create_organiser("jane.smith@example.org", password, name="Jane Smith")
    assert users.authenticate(user.email, password) is user


def test_length_is_still_checked_first(db_session):
    with pytest.raises(DomainError, match="at least 12 characters"):
        users.create_organiser("someone@example.org", "password")


def test_setting_a_password_checks_the_accounts_own_name(db_session, organiser):
    with pytest.raises(DomainError, match="name or email address"):
        users.set_password(organiser, "OliviaOrganiser99")
