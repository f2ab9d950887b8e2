"""Custom actions of the Plus Kod assistant, served by ``rasa run actions``.

One module per concern:

* :mod:`actions.faq` - FAQ suggestions and answers picked from buttons;
* :mod:`actions.code_forms` - what the code-checking forms share (phone step, counted checks);
* :mod:`actions.verification` - the verification conversation (``verify_code``);
* :mod:`actions.activation` - the activation of the temporary Kod 5 (``activate_code``);
* :mod:`actions.directory` - the customer directory (SQLAlchemy) the forms ask;
* :mod:`actions.security` - hashing, pepper, phone numbers and weak-code rules;
* :mod:`actions.server_guard` - the action server's authentication and error bodies.

Importing :mod:`pluskod` masks Plus Kod-like digits in every log record of the action server.
"""

import pluskod  # noqa: F401  (installs the log redaction, see pluskod.masking)
