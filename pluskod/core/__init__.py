"""The assistant's core: the rules and data that do not depend on Rasa.

Nothing in this package imports ``rasa``, ``rasa_sdk`` or ``sanic`` (a test enforces it): the
Rasa-side extensions (:mod:`pluskod.nlu`, :mod:`pluskod.policies`,
:mod:`pluskod.tracker_store`, :mod:`pluskod.channels`) and the rasa-sdk actions
(:mod:`actions`) both build on it.

* :mod:`pluskod.core.names` - the names shared across the system (intents, slots, offers, the
  button commands, store defaults), which the YAML files must agree with;
* :mod:`pluskod.core.secrets` - server secrets from the environment or a local file;
* :mod:`pluskod.core.phones` - what a phone number looks like, in every spelling;
* :mod:`pluskod.core.codes` - what a Plus Kod looks like, and the rules for a new one;
* :mod:`pluskod.core.masking` - hiding codes in anything written (stores, logs);
* :mod:`pluskod.core.hashing` - peppered argon2id hashes of codes;
* :mod:`pluskod.core.directory` - the customer directory and the counting of attempts;
* :mod:`pluskod.core.lockout` - the limits on wrong codes per subject;
* :mod:`pluskod.core.demo` - the README's demo rows;
* :mod:`pluskod.core.proofs` - sealed proofs that a code was shown in a conversation;
* :mod:`pluskod.core.clients` - who is asking: client addresses and their pseudonyms;
* :mod:`pluskod.core.tokens` - bearer tokens for the HTTP API and integrations;
* :mod:`pluskod.core.conversation_ids` - the web chat's server-issued conversation ids.
"""
