import pytest

from pluskod.core.clients import ClientPseudonyms, client_address, parse_networks

PROXY = parse_networks("127.0.0.1, 10.0.0.0/8")


@pytest.mark.parametrize("peer, forwarded, proxies, expected", [
    ("203.0.113.7", None, [], "203.0.113.7"),
    ("203.0.113.7", "198.51.100.1", [], "203.0.113.7"),            # not from a proxy: ignored
    ("127.0.0.1", "198.51.100.1", PROXY, "198.51.100.1"),
    ("127.0.0.1", "6.6.6.6, 198.51.100.1", PROXY, "198.51.100.1"),  # the client's own claim is left
    ("127.0.0.1", "198.51.100.1, 10.1.2.3", PROXY, "198.51.100.1"),  # a chain of our proxies
    ("127.0.0.1", "garbage", PROXY, "unknown"),
    ("127.0.0.1", None, PROXY, "127.0.0.1"),
    ("2001:db8:1:2:3:4:5:6", None, [], "2001:db8:1:2::/64"),        # IPv6: its /64
    ("::ffff:203.0.113.7", None, [], "203.0.113.7"),
    ("", None, [], "unknown"), (None, None, [], "unknown"),
])
def test_the_client_address(peer, forwarded, proxies, expected):
    assert client_address(peer, forwarded, proxies) == expected


def test_a_wrong_proxy_setting_is_a_clear_error():
    with pytest.raises(ValueError, match="PLUSKOD_TRUSTED_PROXIES: 'nonsense' is not an IP"):
        parse_networks("10.0.0.0/8, nonsense")


def test_pseudonyms_are_stable_keyed_and_letters_only():
    pseudonyms = ClientPseudonyms(b"k" * 32)
    first = pseudonyms.of("203.0.113.7")
    assert first == pseudonyms.of("203.0.113.7") != pseudonyms.of("203.0.113.8")
    assert first.isalpha() and "203" not in first
    assert ClientPseudonyms(b"o" * 32).of("203.0.113.7") != first
