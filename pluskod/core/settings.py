"""Reading numeric settings from the environment, with errors that name the variable.

An operator's typo in a setting must stop the server at start with a line that says which
variable and what is wrong, not run with a default or fail later.
"""

from __future__ import annotations

from typing import Mapping


def positive_number(environ: Mapping[str, str], name: str, default: float) -> float:
    """``environ[name]`` as a number greater than 0, or ``default`` when it is not set."""
    raw = environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {raw!r}") from None
    if not value > 0 or value == float("inf"):
        raise ValueError(f"{name} must be a number greater than 0, not {raw!r}")
    return value
