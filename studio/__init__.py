"""The editors' content studio: a small server-rendered web application over ``data/`` and
``domain.yml`` (the single source of truth), with accounts, drafts, checks, publishing and an
audit trail.

Layering: the studio uses the core (:mod:`pluskod.core`), the editors' check
(:mod:`editor_tools`) and the project's commands as subprocesses (training and the quality
gate run in their own process, so the studio never imports Rasa). Nothing on the Rasa side or
in ``actions/`` imports the studio.
"""
