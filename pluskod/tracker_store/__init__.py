"""Tracker stores that never keep a Plus Kod (``endpoints.yml`` ``tracker_store: type:``)."""

from pluskod.tracker_store.sql import RedactingSQLTrackerStore

__all__ = ["RedactingSQLTrackerStore"]
