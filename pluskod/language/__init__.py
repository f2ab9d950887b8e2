"""Polish language layer built on spaCy, fully offline.

The published ``pl_core_news_*`` pipelines cannot be downloaded here, so the layer is a blank
Polish spaCy pipeline (real Polish tokenizer) plus two components registered the spaCy way
(``spacy_factories`` entry point):

* ``pluskod_phone_merger`` - keeps a phone number such as ``+48 600 100 200`` in one token;
* ``pluskod_lemmatizer`` - folds Polish letters, lemmatizes from a compact table built from
  PoliMorf (``spacy-lookups-data``) for the training vocabulary, corrects one-letter typos and
  replaces numbers by their shape (a phone number, a 4- or 5-digit code).
"""
