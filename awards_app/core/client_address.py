"""The client's address as rate limits and fraud checks see it."""
import ipaddress

from flask import request


def network_of(address: str | None) -> str:
    """Shorten an address to its network: /24 for IPv4, /64 for IPv6 (one household or device)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def rate_limit_key_for_client() -> str:
    """Key limits on the exact IPv4 address, or the /64 of an IPv6 one (a device can hold a whole /64)."""
    address = request.remote_addr or ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if ip.version == 6:
        return network_of(address)
    return str(ip)
