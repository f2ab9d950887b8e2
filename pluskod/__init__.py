"""Rasa-side extensions of the Plus Kod assistant.

Sub-packages, one job each:

* :mod:`pluskod.language` - the Polish language layer (spaCy components and the offline lemma
  table they use);
* :mod:`pluskod.nlu` - Rasa graph components (input guard, FAQ-aware fallback);
* :mod:`pluskod.policies` - dialogue policies (declared prepaid offer);
* :mod:`pluskod.tracker_store` and :mod:`pluskod.channels` - storage and input that never
  keep a Plus Kod.

Importing this package masks Plus Kod-like digits in every log record of the process (see
:mod:`pluskod.masking`): the Rasa server imports it through ``config.yml``, ``endpoints.yml`` and
``credentials.yml``, the action server through :mod:`actions`.
"""

from pluskod.masking import install_log_redaction

install_log_redaction()
