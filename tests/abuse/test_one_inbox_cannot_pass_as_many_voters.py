"""Finding 5 of issue #14: one inbox must not pass for many voters, and two people must not pass for one.

Every row of the provider table (core/email_providers.py) is checked here: the spellings its provider delivers to one
inbox give one voter key, and what the provider keeps apart stays apart. Alias services that hand out any number of
addresses are refused for votes, like disposable domains.
"""
import pytest

from awards_app.core.email_providers import (
    ALIAS_SERVICES,
    PROVIDER_FAMILIES,
    canonical_address,
    is_alias_service,
)
from awards_app.core.errors import DomainError
from awards_app.voting.voter_keys import address_domain, check_voter_address, voter_key

# Each row: the provider family, two spellings that its provider delivers to one inbox.
ONE_INBOX = [
    ("Gmail", "jo.bloggs+vote@googlemail.com", "jobloggs@gmail.com"),
    ("Proton", "jo.bloggs@proton.me", "jobloggs@protonmail.com"),
    ("Proton", "Jo_Bloggs@protonmail.ch", "jobloggs@pm.me"),
    ("Proton", "jo-bloggs+awards@pm.me", "jobloggs@proton.me"),
    ("Apple", "jo.bloggs@me.com", "jo.bloggs@icloud.com"),
    ("Apple", "jo.bloggs+vote@mac.com", "jo.bloggs@icloud.com"),
    ("Fastmail", "anything@jobloggs.fastmail.com", "jobloggs@fastmail.com"),
    ("Fastmail", "jobloggs+vote@fastmail.com", "jobloggs@fastmail.com"),
    ("Yahoo", "jobloggs-awards@yahoo.com", "jobloggs@yahoo.com"),
    ("Yahoo", "JoBloggs-vote2@yahoo.co.uk", "jobloggs@yahoo.co.uk"),
    ("Microsoft", "jo.bloggs+vote@outlook.com", "jo.bloggs@outlook.com"),
    ("Microsoft", "jo.bloggs+vote@hotmail.co.uk", "jo.bloggs@hotmail.co.uk"),
]

# Each row: two addresses that are different inboxes, however alike they look.
TWO_INBOXES = [
    ("jo+smith@example.org", "jo+jones@example.org"),  # a provider we know nothing of: "+" may be part of the name
    ("jo+smith@btinternet.com", "jo@btinternet.com"),
    ("jo-bloggs@gmail.com", "jobloggs@gmail.com"),  # Gmail ignores dots, not dashes
    ("jo.bloggs@icloud.com", "jobloggs@icloud.com"),  # Apple keeps dots
    ("jobloggs+vote@yahoo.com", "jobloggs@yahoo.com"),  # Yahoo has no "+" addressing ("-" is its separator)
    ("jobloggs@yahoo.com", "jobloggs@yahoo.co.uk"),  # separate Yahoo accounts
    ("jobloggs@outlook.com", "jobloggs@hotmail.com"),  # separate Microsoft accounts
    ("jobloggs@fastmail.com", "jobloggs@fastmail.fm"),
    ("jo-bloggs@outlook.com", "jo@outlook.com"),  # "-" is only Yahoo's separator
]


@pytest.mark.parametrize(("family", "first", "second"), ONE_INBOX)
def test_spellings_of_one_inbox_give_one_voter_key(app, family, first, second):
    assert family in {row.name for row in PROVIDER_FAMILIES}
    assert canonical_address(first) == canonical_address(second), family
    assert voter_key(first) == voter_key(second)


@pytest.mark.parametrize(("first", "second"), TWO_INBOXES)
def test_different_inboxes_give_different_voter_keys(app, first, second):
    assert canonical_address(first) != canonical_address(second)
    assert voter_key(first) != voter_key(second)


@pytest.mark.parametrize("family", PROVIDER_FAMILIES, ids=lambda family: family.name)
def test_every_row_of_the_table_names_its_source_and_merges_its_own_domains(family):
    assert family.sources and all(source.startswith("https://") for source in family.sources)
    for domain in family.domains:
        merged = canonical_address(f"someone@{domain}").rpartition("@")[2]
        assert merged == (family.domains[0] if family.one_mailbox else domain)


def test_the_domain_kept_for_fraud_checks_is_the_inbox_providers():
    assert address_domain("jo@pm.me") == "proton.me"
    assert address_domain("anything@jobloggs.fastmail.com") == "fastmail.com"
    assert address_domain("jo@me.com") == "icloud.com"


@pytest.mark.parametrize(
    "address",
    [
        "x7k2p@duck.com", "shop.qz81@simplelogin.com", "a1b2@slmail.me", "anything@jo.anonaddy.com",
        "anything@anonaddy.me", "shop@jo.33mail.com", "abc123@mozmail.com", "x_y@privaterelay.appleid.com",
    ],
)
def test_alias_services_with_unlimited_addresses_are_refused_for_votes(address):
    assert is_alias_service(address.rpartition("@")[2])
    with pytest.raises(DomainError) as refused:
        check_voter_address(address)
    assert refused.value.field == "email"
    assert "gives out a new address" in refused.value.message
    assert "Use an email address that you keep" in refused.value.message


def test_the_alias_services_named_in_the_issue_are_listed():
    listed = {service.name for service in ALIAS_SERVICES}
    assert {"DuckDuckGo Email Protection", "SimpleLogin", "addy.io (AnonAddy)", "33Mail"} <= listed


def test_the_privacy_page_explains_the_rules_in_plain_words(client):
    page = client.get("/privacy").get_data(as_text=True)
    for family in PROVIDER_FAMILIES:
        assert family.name in page
    assert "new address" in page and "not accepted" in page
