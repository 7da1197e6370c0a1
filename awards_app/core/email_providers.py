"""Which spellings of an address reach one inbox: a table per provider family, each row with its sources.

An address's canonical form (canonical_address, at the end) follows only the rules its own provider
documents. A provider not in the table keeps every address as written (only lower-cased): at a domain we know nothing
about, "jo+smith" and "jo+jones" may well be two people, and whoever owns a domain can make any number of addresses
there anyway. The privacy page (templates/public/privacy.html) says the same in plain words, from this table.

Alias services hand out any number of addresses that all reach one inbox, and nothing in an alias says whose inbox it
is: for a vote they are refused like disposable domains (voter_keys.check_voter_address), and the organisers can find
votes from them by domain on the vote page and void them.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

WIKIPEDIA_SUBADDRESSING = "https://en.wikipedia.org/wiki/Email_address#Subaddressing"


@dataclass(frozen=True)
class ProviderFamily:
    """One provider's rules for which spellings reach one inbox."""

    name: str
    # Its domains; when one_mailbox is set, every one of them is the same inbox and the first is the canonical one.
    domains: tuple[str, ...]
    one_mailbox: bool
    # What starts a tag that the provider drops when delivering ("+", or "-" at Yahoo), if anything.
    tag_separator: str | None
    # Characters the provider ignores in the name before the @ (Gmail ignores dots; Proton dots, dashes, underscores).
    ignored_characters: str = ""
    # Fastmail delivers anything@name.fastmail.com to name@fastmail.com.
    subdomain_addressing: bool = False
    sources: tuple[str, ...] = ()
    # The rule in plain words, for the privacy page.
    in_plain_words: str = ""


PROVIDER_FAMILIES = (
    ProviderFamily(
        "Gmail", ("gmail.com", "googlemail.com"), one_mailbox=True, tag_separator="+", ignored_characters=".",
        sources=("https://support.google.com/mail/answer/7436150", "https://en.wikipedia.org/wiki/Gmail#Trademark_disputes",
                 WIKIPEDIA_SUBADDRESSING),
        in_plain_words="dots and anything after a + are ignored, and googlemail.com is gmail.com",
    ),
    ProviderFamily(
        "Proton", ("proton.me", "protonmail.com", "protonmail.ch", "pm.me"), one_mailbox=True, tag_separator="+",
        ignored_characters="._-",
        sources=("https://proton.me/support/addresses-and-aliases", "https://proton.me/support/change-username"),
        in_plain_words="dots, dashes, underscores and anything after a + are ignored, and proton.me, protonmail.com, "
                       "protonmail.ch and pm.me are one inbox",
    ),
    ProviderFamily(
        "Apple", ("icloud.com", "me.com", "mac.com"), one_mailbox=True, tag_separator="+",
        sources=("https://support.apple.com/en-gb/118230", WIKIPEDIA_SUBADDRESSING),
        in_plain_words="anything after a + is ignored, and icloud.com, me.com and mac.com are one inbox",
    ),
    ProviderFamily(
        "Fastmail", ("fastmail.com", "fastmail.fm"), one_mailbox=False, tag_separator="+", subdomain_addressing=True,
        sources=("https://www.fastmail.help/hc/en-us/articles/360060591053-Plus-addressing-and-subdomain-addressing",),
        in_plain_words="anything after a + is ignored, and anything@name.fastmail.com is name@fastmail.com",
    ),
    ProviderFamily(
        "Yahoo", ("yahoo.com", "yahoo.co.uk", "ymail.com", "rocketmail.com"), one_mailbox=False, tag_separator="-",
        sources=("https://help.yahoo.com/kb/SLN28338.html", WIKIPEDIA_SUBADDRESSING),
        in_plain_words="anything after a - is ignored (Yahoo's extra addresses); a + is part of the name",
    ),
    ProviderFamily(
        "Microsoft", ("outlook.com", "hotmail.com", "hotmail.co.uk", "live.com", "live.co.uk", "msn.com"),
        one_mailbox=False, tag_separator="+",
        sources=("https://learn.microsoft.com/en-us/exchange/recipients-in-exchange-online/plus-addressing-in-exchange-online",
                 WIKIPEDIA_SUBADDRESSING),
        in_plain_words="anything after a + is ignored; outlook.com, hotmail.com and live.com are separate inboxes",
    ),
)

_FAMILY_OF_DOMAIN = {domain: family for family in PROVIDER_FAMILIES for domain in family.domains}


@dataclass(frozen=True)
class AliasService:
    """A service that hands out any number of addresses reaching one inbox (its subdomains count too)."""

    name: str
    domains: tuple[str, ...]
    source: str


ALIAS_SERVICES = (
    AliasService("DuckDuckGo Email Protection", ("duck.com",), "https://duckduckgo.com/email/"),
    AliasService(
        "SimpleLogin",
        ("simplelogin.com", "simplelogin.co", "simplelogin.fr", "slmail.me", "aleeas.com", "8alias.com",
         "8shield.net", "silomails.com", "slmails.com", "dralias.com"),
        "https://simplelogin.io/docs/",
    ),
    AliasService(
        "addy.io (AnonAddy)", ("anonaddy.com", "anonaddy.me", "addy.io", "addymail.com"), "https://addy.io/faq/",
    ),
    AliasService("33Mail", ("33mail.com",), "https://www.33mail.com/"),
    AliasService("Firefox Relay", ("mozmail.com",), "https://relay.firefox.com/faq/"),
    AliasService("Apple Hide My Email", ("privaterelay.appleid.com",), "https://support.apple.com/en-gb/105078"),
)

_ALIAS_DOMAINS = {domain for service in ALIAS_SERVICES for domain in service.domains}


def domain_and_parents(domain: str):
    """The domain and each domain it belongs to (mail.example.org, example.org), never a bare top-level domain."""
    labels = domain.lower().rstrip(".").split(".")
    return (".".join(labels[start:]) for start in range(len(labels) - 1))


def is_alias_service(domain: str) -> bool:
    """Whether a domain (or one it belongs to, as with jo.anonaddy.com) hands out any number of aliases."""
    return any(parent in _ALIAS_DOMAINS for parent in domain_and_parents(domain))


def family_of(domain: str) -> ProviderFamily | None:
    """The provider family that rules a lower-case domain (Fastmail's name.fastmail.com included), if any."""
    family = _FAMILY_OF_DOMAIN.get(domain)
    if family is None and "." in domain:
        parent = domain.split(".", 1)[1]
        candidate = _FAMILY_OF_DOMAIN.get(parent)
        if candidate is not None and candidate.subdomain_addressing:
            family = candidate
    return family


def canonical_parts(local: str, domain: str) -> tuple[str, str]:
    """The inbox's own name and domain under its provider's rules, from a lower-case name and domain."""
    family = family_of(domain)
    if family is None:
        return local, domain
    if domain not in family.domains:  # anything@name.fastmail.com: the name is the subdomain
        local, domain = domain.split(".", 1)
    if family.tag_separator:
        untagged = local.split(family.tag_separator, 1)[0]
        if untagged:  # a name that starts with the separator has no tag to remove
            local = untagged
    for character in family.ignored_characters:
        local = local.replace(character, "")
    if family.one_mailbox:
        domain = family.domains[0]
    return local, domain


def domains_of_one_inbox(domain: str) -> set[str]:
    """Every domain whose addresses may reach the same inbox as an address at this (canonical) domain."""
    family = family_of(domain)
    return set(family.domains) if family is not None and family.one_mailbox else {domain}


def split_address(address: str) -> tuple[str, str]:
    """The local part and the domain of an address (the domain is empty when there is no @)."""
    local, at, domain = address.rpartition("@")
    return (local, domain) if at else (address, "")


@functools.lru_cache(maxsize=4096)
def canonical_address(email: str | None) -> str:
    """The one spelling of an address that stands for its inbox: lower case, then its provider's own rules (a tag
    dropped, ignored characters removed, one domain for a provider's domains that share an inbox)."""
    # Remembered for recent addresses: one vote step needs it three or four times (the voter key for the rate limit
    # and for the vote, the domain), and each time would run the full syntax check again.
    text = (email or "").strip()
    try:
        # The validator's normal form settles Unicode and internationalised domains; it never looks anything up.
        text = validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        pass  # still give a stable answer (rate limits key on what was typed, valid or not)
    local, domain = split_address(text.lower())
    if not domain:
        return local
    local, domain = canonical_parts(local, domain)
    return f"{local}@{domain}"
