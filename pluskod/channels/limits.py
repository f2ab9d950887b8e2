"""Limits that both customer channels apply, and the answer a customer gets past them."""

from __future__ import annotations

from typing import Any, Dict, Optional, Text, TypeGuard

#: longest message either channel accepts (credentials.yml may lower it per channel; the NLU's
#: InputGuard in config.yml caps what the pipeline reads at the same number)
DEFAULT_MAX_CHARACTERS = 1000
#: largest request body a channel reads (a message of DEFAULT_MAX_CHARACTERS in JSON is far less)
MAX_BODY_BYTES = 16 * 1024
TOO_LONG = ("Twoja wiadomość jest za długa – mogę przyjąć najwyżej {limit} znaków. "
            "Napisz proszę krócej, o co chodzi.")


def max_characters(credentials: Optional[Dict[Text, Any]]) -> int:
    value = int((credentials or {}).get("max_characters", DEFAULT_MAX_CHARACTERS))
    if not 1 <= value <= DEFAULT_MAX_CHARACTERS:
        raise ValueError(f"max_characters must be between 1 and {DEFAULT_MAX_CHARACTERS}")
    return value


def too_long(limit: int) -> Text:
    return TOO_LONG.format(limit=limit)


def is_text(value: Any) -> TypeGuard[str]:
    """A string that can be stored and logged: JSON lets a lone UTF-16 surrogate through,
    which no encoder writes."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
