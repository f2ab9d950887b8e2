#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter, or explains what to do and exits 1.
# Rasa Open Source 3.6 supports Python 3.8-3.10 only; pip on 3.11 silently installs rasa 1.10.
# Order: $PYTHON, python3.10 on PATH, pyenv's 3.10 versions, common system locations.
set -u

is_310() {
  [ -n "$1" ] && [ -x "$(command -v "$1" 2>/dev/null)" ] || return 1
  "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1
}

if [ -n "${PYTHON:-}" ]; then
  if is_310 "$PYTHON"; then command -v "$PYTHON"; exit 0; fi
  found=$("$PYTHON" -c 'import sys; print(sys.version.split()[0])' 2>/dev/null || echo "not runnable")
  echo "error: PYTHON=$PYTHON is Python $found; this project needs Python 3.10 (Rasa 3.6.21 supports 3.8-3.10, and pip on 3.11 silently installs rasa 1.10)." >&2
  exit 1
fi

candidates=(python3.10)
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for d in "$root"/versions/3.10.*; do
    [ -x "$d/bin/python3.10" ] && candidates+=("$d/bin/python3.10")
  done
fi
for d in "$HOME"/.pyenv/versions/3.10.* /usr/local/bin /usr/bin /opt/python*/bin; do
  [ -x "$d/python3.10" ] && candidates+=("$d/python3.10")
done

for c in "${candidates[@]}"; do
  if is_310 "$c"; then command -v "$c"; exit 0; fi
done

echo "error: Python 3.10 not found. Install it (e.g. 'pyenv install 3.10') or run with PYTHON=/path/to/python3.10. Rasa 3.6.21 supports Python 3.8-3.10 only; other versions are refused on purpose." >&2
exit 1
