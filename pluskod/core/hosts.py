"""Which host names a server of this project answers to (the ``Host`` header check against
DNS rebinding), shared by the Rasa server's HTTP guard and the editors' studio.

``PLUSKOD_ALLOWED_HOSTS`` (host names, comma-separated) replaces the default
``127.0.0.1,localhost,::1`` plus ``PLUSKOD_HOST`` when that is a name or a single address.
"""

from __future__ import annotations

from typing import FrozenSet, Mapping, Optional

ALLOWED_HOSTS_ENV = "PLUSKOD_ALLOWED_HOSTS"
DEFAULT_HOSTS = ("127.0.0.1", "localhost", "::1")
_WILDCARDS = {"", "0.0.0.0", "::"}


def host_name(header: Optional[str]) -> Optional[str]:
    """``"127.0.0.1:5005"`` -> ``"127.0.0.1"``, ``"[::1]:5005"`` -> ``"::1"``,
    ``"LocalHost."`` -> ``"localhost"``; ``None`` for a missing or empty header."""
    value = (header or "").strip().lower()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    value = value.rstrip(".")
    return value or None


def allowed_hosts_from_env(environ: Mapping[str, str]) -> FrozenSet[str]:
    configured = environ.get(ALLOWED_HOSTS_ENV)
    if configured:
        named = {host_name(h) for h in configured.split(",")}
        listed = {host for host in named if host is not None}
        if "*" in listed:
            raise ValueError(f"{ALLOWED_HOSTS_ENV} lists host names; '*' is not allowed.")
        return frozenset(listed)
    hosts = set(DEFAULT_HOSTS)
    bound = host_name(environ.get("PLUSKOD_HOST"))
    if bound and bound not in _WILDCARDS:
        hosts.add(bound)
    return frozenset(hosts)
