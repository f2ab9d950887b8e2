"""Rasa's own `rasa train`, without filling Rasa's training cache.

`make train` always retrains (tools/train.py decides when, from its own fingerprint) and runs
`rasa train --force`, so nothing Rasa caches during training is ever read back. Filling that
cache is not free: Rasa's `TrainingHook` fingerprints every message, with its tokens and
features, after every component and copies each trained component into the cache
(docs/nlu-history.md has the measured cost). This runs Rasa's CLI with that hook switched
off; everything else is Rasa's.

It also silences three warnings of Rasa's recipe validator that are wrong for this pipeline:
it knows only Rasa's own learners, so it reports the FAQ examples, the lookup tables and the
entity annotations as unused, while `LinearIntentClassifier` answers the FAQ,
`RegexEntityExtractor` reads the lookup tables and `EntitySynonymMapper` takes its synonyms
from the annotations.

    python -m tools.rasa_train train --force ...   (same arguments as `rasa`)
"""

from __future__ import annotations

import re
import sys
from typing import Any

from rasa.engine.training.hooks import TrainingHook


def _cache_nothing(self: TrainingHook, *args: Any, **kwargs: Any) -> None:
    """Replaces `TrainingHook.on_after_node`, which fingerprints and caches each output."""
    return None


def disable_training_cache() -> None:
    """Makes every `TrainingHook` of this process skip fingerprinting and caching."""
    TrainingHook.on_after_node = _cache_nothing


#: Starts of the validator's messages that `silence_known_warnings` hides, and only those.
#: (Rasa hides its own list of expected warnings unless run with --debug; these join it.)
KNOWN_WARNINGS = (
    "You have defined training data with examples for training a response selector",
    "You have defined training data consisting of lookup tables",
    "You have defined training data consisting of entity examples",
)


def silence_known_warnings() -> None:
    from rasa.utils.common import EXPECTED_WARNINGS

    EXPECTED_WARNINGS.extend((UserWarning, re.escape(start)) for start in KNOWN_WARNINGS)


def main() -> None:
    disable_training_cache()
    silence_known_warnings()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
