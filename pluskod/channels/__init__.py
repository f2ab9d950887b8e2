"""Input channels of the assistant (``credentials.yml``)."""

from pluskod.channels.rest import StrictRestInput
from pluskod.channels.web import WebChatInput

__all__ = ["StrictRestInput", "WebChatInput"]
