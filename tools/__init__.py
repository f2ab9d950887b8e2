"""The project's commands for developers and operators (``python -m tools.<name>``, or the
``pluskod-*`` scripts of ``pyproject.toml``).

Like ``rasa`` itself, they work on the project in the current directory: ``ROOT`` is where
``config.yml``, ``data/``, ``models/`` and ``var/`` are looked for. ``make`` runs them from
the checkout's root.
"""

from pathlib import Path

#: the project directory the commands work on (the current directory when they start)
ROOT = Path.cwd().resolve()
