"""Dialogue policies of the assistant (referenced by module path in ``config.yml``)."""

from pluskod.policies.declared_prepaid import DeclaredPrepaidPolicy

__all__ = ["DeclaredPrepaidPolicy"]
