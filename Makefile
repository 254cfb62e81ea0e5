# The two commands the README opens with.
PROMPT ?= In one sentence, why is the sky blue?

.PHONY: demo test test-unit test-browser bench bench-gateway bench-litellm bench-browser lint

demo:
	scripts/setup.sh
	.venv/bin/hybridai device
	.venv/bin/hybridai ask "$(PROMPT)" --max-tokens 64

test:
	scripts/setup.sh test
	.venv/bin/python -m pytest

# The I/O-free unit tests only, about half a minute: no engine is loaded, and once .venv has the
# test extra, setup (which builds llama.cpp on a first run) is not run again.
test-unit: | .venv/bin/lint-imports
	.venv/bin/python -m pytest tests/unit

.venv/bin/lint-imports:
	scripts/setup.sh test

# The browser SDK (sdk/js) in headless Chromium (Debian's chromium) against a real gateway,
# and its node unit tests (router parity, modes). `make test` runs them too (marker browser).
test-browser: | .venv/bin/lint-imports
	.venv/bin/python -m pytest tests/test_browser.py

# In-browser decode speed and load time (wllama) beside native llama.cpp, threads 1 and 2.
bench-browser: | .venv/bin/lint-imports
	.venv/bin/python bench/bench_browser.py

bench:
	scripts/setup.sh test
	.venv/bin/python bench/bench_engine.py
	.venv/bin/python bench/soak_gateway.py

# LiteLLM, the peer of these two, lives in a venv of its own, kept out of the project's.
.bench-venv/bin/litellm:
	python3 -m venv .bench-venv && .bench-venv/bin/pip install -q 'litellm[proxy]'

# Needs `hey` (Debian).
bench-gateway: .bench-venv/bin/litellm
	scripts/setup.sh test
	command -v hey >/dev/null || apt-get install -y hey
	.venv/bin/python bench/bench_gateway.py

bench-litellm: bench-gateway
	.venv/bin/python bench/bench_cold_start.py

lint:
	.venv/bin/ruff check src tests bench
	.venv/bin/mypy src
	.venv/bin/lint-imports
