"""The Plus Kod assistant's own code, in layers that point one way.

* :mod:`pluskod.core` - the rules and data that do not depend on Rasa (directory and lockout,
  hashing, secrets, phone and code rules, masking, proofs, tokens);
* Rasa-side extensions, built on the core: :mod:`pluskod.language` (the Polish spaCy layer),
  :mod:`pluskod.nlu` (graph components), :mod:`pluskod.policies` (dialogue policies),
  :mod:`pluskod.tracker_store` and :mod:`pluskod.channels` (storage and input that never keep a
  Plus Kod, and the guard of the HTTP surface).

The rasa-sdk actions (the top-level :mod:`actions` package) build on the core too.

Importing this package masks what may betray a Plus Kod in every log record of the process (see
:mod:`pluskod.core.masking`): the Rasa server imports it through ``config.yml``,
``endpoints.yml`` and ``credentials.yml``, the action server through :mod:`actions`.
"""

from pluskod.core.masking import install_log_redaction

install_log_redaction()
