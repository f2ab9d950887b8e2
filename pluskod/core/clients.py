"""Who is asking: the client's address, and the pseudonym the limits count it under.

The address is the TCP peer's, unless the peer is a configured trusted proxy
(``PLUSKOD_TRUSTED_PROXIES``: addresses or networks, comma-separated; none by default): then it
is the right-most address of ``X-Forwarded-For`` that is not itself a trusted proxy, so a client
cannot choose its own address by sending the header. IPv6 clients are counted per /64 network
(one customer line usually holds a whole /64).

The pseudonym is a keyed hash of the address, written in letters only: it travels in a message's
metadata to the action server and is stored with the conversation, where the redaction of digit
runs (:mod:`pluskod.core.masking`) would otherwise mangle it.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from typing import List, Optional, Sequence, Union

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
TRUSTED_PROXIES_ENV = "PLUSKOD_TRUSTED_PROXIES"
#: key of a message's metadata under which the channels pass the client's pseudonym to the
#: actions
CLIENT_METADATA = "client"
UNKNOWN = "unknown"
_LETTERS = str.maketrans("0123456789", "ghijklmnop")


def parse_networks(text: Optional[str]) -> List[Network]:
    """``"127.0.0.1, 10.0.0.0/8"`` -> networks; a clear error names a wrong entry."""
    networks = []
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"{TRUSTED_PROXIES_ENV}: {item!r} is not an IP address or "
                             f"network (e.g. 127.0.0.1 or 10.0.0.0/8)") from None
    return networks


def _address(text: Optional[str]):
    try:
        return ipaddress.ip_address((text or "").strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address, proxies: Sequence[Network]) -> bool:
    return any(address in network for network in proxies if address.version == network.version)


def client_address(peer: Optional[str], forwarded_for: Optional[str],
                   proxies: Sequence[Network]) -> str:
    """The address the limits count: see the module's docstring. ``unknown`` when there is
    no usable address."""
    address = _address(peer)
    if address is None:
        return UNKNOWN
    if _trusted(address, proxies) and forwarded_for:
        for hop in reversed([h for h in forwarded_for.split(",") if h.strip()]):
            hop_address = _address(hop)
            if hop_address is None:
                return UNKNOWN   # a mangled header from the proxy: do not guess
            address = hop_address
            if not _trusted(hop_address, proxies):
                break
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class ClientPseudonyms:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def of(self, client: str) -> str:
        digest = hmac.new(self._key, client.encode("utf-8"), hashlib.sha256).hexdigest()[:32]
        return digest.translate(_LETTERS)
