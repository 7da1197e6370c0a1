"""Voter keys: which ways of writing an address reach one inbox, the keyed hash, and the checks on an address."""
import pytest

from awards_app.core.errors import DomainError
from awards_app.voting.voter_keys import (
    address_domain,
    canonical_address,
    check_voter_address,
    is_disposable,
    voter_key,
)

# Each row: two spellings of one inbox, which must give one voter key.
SAME_INBOX = [
    ("jo.bloggs@gmail.com", "jobloggs@gmail.com"),
    ("Jo.Bloggs@Gmail.com", "jobloggs@gmail.com"),
    ("j.o.b.l.o.g.g.s@gmail.com", "jobloggs@gmail.com"),
    ("jobloggs@googlemail.com", "jobloggs@gmail.com"),
    ("Jo.Bloggs+vote@GoogleMail.com", "jobloggs@gmail.com"),
    ("jobloggs+awards+2026@gmail.com", "jobloggs@gmail.com"),
    ("  jobloggs@gmail.com  ", "jobloggs@gmail.com"),
    ("jo.bloggs+tag@outlook.com", "jo.bloggs@outlook.com"),  # a +tag only where the provider drops it (issue #14)
    ("JO.BLOGGS@EXAMPLE.ORG", "jo.bloggs@example.org"),
    ("Jo.Bloggs+News@Outlook.Com", "jo.bloggs@outlook.com"),
    ("ailsa@outlook.com", "AILSA+x@OUTLOOK.COM"),
    ("user@xn--mnchen-3ya.de", "User@münchen.de"),
]

# Each row: two addresses that are different inboxes, which must give different voter keys.
DIFFERENT_INBOXES = [
    ("jo.bloggs@example.org", "jobloggs@example.org"),  # only Gmail ignores dots
    ("jo.bloggs@outlook.com", "jobloggs@outlook.com"),
    ("jobloggs@gmail.com", "jobloggs@gmail.co.uk"),
    ("jobloggs@gmail.com", "jobloggs@example.org"),
    ("jobloggs@googlemail.com", "jobloggs@mail.google.com"),
    ("jo-bloggs@gmail.com", "jobloggs@gmail.com"),  # dashes are not dots
    ("jo_bloggs@example.org", "jobloggs@example.org"),
    ("jobloggs1@gmail.com", "jobloggs@gmail.com"),
]


@pytest.mark.parametrize(("first", "second"), SAME_INBOX)
def test_spellings_of_one_inbox_give_one_voter_key(app, first, second):
    assert canonical_address(first) == canonical_address(second)
    assert voter_key(first) == voter_key(second)


@pytest.mark.parametrize(("first", "second"), DIFFERENT_INBOXES)
def test_different_inboxes_give_different_voter_keys(app, first, second):
    assert canonical_address(first) != canonical_address(second)
    assert voter_key(first) != voter_key(second)


@pytest.mark.parametrize(
    ("address", "canonical"),
    [
        ("Jo.Bloggs+vote@GoogleMail.com", "jobloggs@gmail.com"),
        ("Jo.Bloggs+vote@Example.org", "jo.bloggs+vote@example.org"),  # unknown provider: the + may be a name
        ("+only-a-tag@example.org", "+only-a-tag@example.org"),  # nothing before the + to keep: left as it is
        ("not an address", "not an address"),  # stable even for text that is not an address
    ],
)
def test_the_canonical_form(address, canonical):
    assert canonical_address(address) == canonical


def test_the_voter_key_is_a_keyed_hash_that_hides_the_address(app):
    key = voter_key("jobloggs@gmail.com")
    assert len(key) == 64 and int(key, 16) >= 0
    assert "jobloggs" not in key
    import hashlib

    assert key != hashlib.sha256(b"jobloggs@gmail.com").hexdigest(), "a plain hash could be reversed by guessing"


def test_the_pepper_comes_from_its_setting_or_from_the_secret_key(app, monkeypatch):
    derived = voter_key("jobloggs@gmail.com")
    monkeypatch.setitem(app.config, "VOTER_KEY_PEPPER", "a separate pepper")
    peppered = voter_key("jobloggs@gmail.com")
    assert peppered != derived
    monkeypatch.setitem(app.config, "VOTER_KEY_PEPPER", None)
    monkeypatch.setitem(app.config, "SECRET_KEY", "another secret key")
    assert voter_key("jobloggs@gmail.com") not in (derived, peppered)


def test_the_domain_kept_for_fraud_checks_merges_googlemail():
    assert address_domain("Jo+x@GoogleMail.com") == "gmail.com"
    assert address_domain("jo@Example.ORG") == "example.org"


@pytest.mark.parametrize(
    "address",
    ["jo.bloggs@example.org", "Jo.Bloggs+vote@gmail.com", "ailsa@outlook.com", "user@münchen.de", "a@b.co"],
)
def test_good_addresses_are_accepted_in_their_normal_form(address):
    assert "@" in check_voter_address(f"  {address} ")


def test_the_normal_form_keeps_the_local_part_as_typed():
    # The email goes to the address as the person wrote it; only the voter key folds spellings together.
    assert check_voter_address("Jo.Bloggs+vote@GMAIL.com") == "Jo.Bloggs+vote@gmail.com"


@pytest.mark.parametrize(
    ("address", "explanation"),
    [
        ("", "Enter your email address"),
        ("   ", "Enter your email address"),
        ("jo.bloggs", "An email address must have an @-sign."),
        ("jo@bloggs", "It should have a period."),
        ("jo@@example.org", "in the correct format"),
        ("jo bloggs@example.org", "in the correct format"),
        ("jo.@example.org", "in the correct format"),
        ("jo@example..org", "in the correct format"),
        ("a" * 250 + "@example.org", "254 characters or fewer"),
    ],
)
def test_addresses_with_mistakes_are_refused_saying_why(address, explanation):
    with pytest.raises(DomainError) as refused:
        check_voter_address(address)
    assert refused.value.field == "email"
    assert explanation in refused.value.message


@pytest.mark.parametrize("address", ["someone@mailinator.com", "Someone@MAILINATOR.COM", "x@sub.mailinator.com"])
def test_disposable_addresses_are_refused_with_a_clear_message(address):
    with pytest.raises(DomainError) as refused:
        check_voter_address(address)
    assert refused.value.field == "email"
    assert "gives out short-lived addresses" in refused.value.message
    assert "Use an email address that you keep" in refused.value.message


def test_the_packages_allowlist_wins_over_its_blocklist(monkeypatch):
    from awards_app.voting import voter_keys

    assert is_disposable("mailinator.com")
    monkeypatch.setattr(voter_keys, "ALLOWED_DOMAINS", {"mailinator.com"})
    assert not is_disposable("mailinator.com")
    assert check_voter_address("someone@mailinator.com") == "someone@mailinator.com"


def test_ordinary_providers_are_not_disposable():
    for domain in ("gmail.com", "googlemail.com", "outlook.com", "btinternet.com", "nhs.scot", "example.org", "com"):
        assert not is_disposable(domain), domain
