"""What identifies an LLM endpoint, and whether it is this machine: shared by the settings (where the key may
go) and the summary cache (answers from one endpoint are never reused for another).

``urllib.parse`` and ``ipaddress`` are imported inside the functions: the hook's no-op path never needs them.
"""

from __future__ import annotations

_DEFAULT_PORTS = {"http": 80, "https": 443}


def endpoint_id(url: str) -> str | None:
    """``scheme://host:port/path`` with the scheme and host lower-cased, the default port spelled out and no
    trailing slash, query or fragment; None when the text is not an http(s) URL with a host."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port or _DEFAULT_PORTS[scheme]}{parts.path.rstrip('/')}"


def host_of(url: str) -> str:
    from urllib.parse import urlsplit

    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def is_loopback(url: str) -> bool:
    """True when the URL's host is this machine: ``localhost`` (or ``*.localhost``), 127.0.0.0/8 or ::1."""
    host = host_of(url)
    if host == "localhost" or host.endswith(".localhost"):
        return True
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_plain_http(url: str) -> bool:
    return url.strip().lower().startswith("http://")


def is_hosted(url: str | None) -> bool:
    """True for a hosted service (no base URL: OpenAI; an https URL of a named or public host), False for a
    server of the user's own: this machine, a plain-http URL, a private or link-local address."""
    if url is None:
        return True
    if is_plain_http(url) or is_loopback(url):
        return False
    import ipaddress

    try:
        address = ipaddress.ip_address(host_of(url))
    except ValueError:
        return True
    return not (address.is_private or address.is_link_local)
