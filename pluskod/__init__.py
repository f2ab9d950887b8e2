"""Rasa-side extensions of the Plus Kod assistant.

Sub-packages, one job each:

* :mod:`pluskod.language` - the Polish language layer (spaCy components and the offline lemma
  table they use);
* :mod:`pluskod.nlu` - Rasa graph components (input guard, FAQ-aware fallback).
"""
