"""The client's address as rate limits and fraud checks see it."""
import ipaddress

from flask import request


def _client_ip(address: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address as an IP, with an IPv4 client seen through a dual-stack socket (::ffff:a.b.c.d) as its IPv4 self."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return None
    # gunicorn bound to [::] sees every IPv4 client as an IPv4-mapped IPv6 address; its /64 would be all of IPv4.
    return ip.ipv4_mapped if ip.version == 6 and ip.ipv4_mapped else ip


def network_of(address: str | None) -> str:
    """Shorten an address to its network: /24 for IPv4, /64 for IPv6 (one household or device)."""
    ip = _client_ip(address)
    if ip is None:
        return "unknown"
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def rate_limit_key_for_client() -> str:
    """Key limits on the exact IPv4 address, or the /64 of an IPv6 one (a device can hold a whole /64)."""
    ip = _client_ip(request.remote_addr)
    if ip is None:
        return "unknown"
    if ip.version == 6:
        return network_of(str(ip))
    return str(ip)
