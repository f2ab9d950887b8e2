"""Custom actions of the Plus Kod assistant, served by ``rasa run actions``.

Thin rasa-sdk adapters over the core (:mod:`pluskod.core`), one module per concern:

* :mod:`actions.faq` - FAQ suggestions and answers picked from buttons;
* :mod:`actions.code_forms` - what the code-checking forms share (phone step, counted checks);
* :mod:`actions.verification` - the verification conversation (``verify_code``);
* :mod:`actions.activation` - the activation of the temporary Kod 5 (``activate_code``);
* :mod:`actions.server` - the action server: builds the collaborators (directory, proof
  sealer) once and passes them to each action;
* :mod:`actions.server_guard` - the action server's authentication and error bodies.

Importing :mod:`pluskod` masks what may betray a Plus Kod in every log record of the action
server.
"""

import pluskod  # noqa: F401  (installs the log redaction, see pluskod.core.masking)
