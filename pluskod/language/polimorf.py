"""Access to the PoliMorf lemma tables shipped in ``spacy-lookups-data``.

Used only when the pipeline is built (the full tables are large and slow to load): the
running assistant loads the compact table made from them instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict

import srsly


def load_polimorf() -> Dict[str, Dict[str, str]]:
    """Return ``{part_of_speech: {form: lemma}}`` for Polish."""
    try:
        import spacy_lookups_data
    except ImportError as error:  # pragma: no cover - guarded by requirements.txt
        raise RuntimeError(
            "spacy-lookups-data is not installed; run `make install`."
        ) from error
    folder = Path(spacy_lookups_data.__file__).parent / "data"
    tables = {}
    for path in sorted(folder.glob("pl_lemma_lookup_*.json.gz")):
        pos = path.name[len("pl_lemma_lookup_") : -len(".json.gz")]
        tables[pos] = srsly.read_gzip_json(path)
    if not tables:
        raise RuntimeError(f"No Polish lemma tables found in {folder}.")
    return tables
