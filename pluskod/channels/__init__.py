"""Input channels of the assistant (``credentials.yml``)."""

from pluskod.channels.rest import StrictRestInput

__all__ = ["StrictRestInput"]
