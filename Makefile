# The two commands the README opens with.
PROMPT ?= In one sentence, why is the sky blue?

.PHONY: demo test bench lint

demo:
	scripts/setup.sh
	.venv/bin/hybridai device
	.venv/bin/hybridai ask "$(PROMPT)" --max-tokens 64

test:
	scripts/setup.sh test
	.venv/bin/python -m pytest

bench:
	scripts/setup.sh test
	.venv/bin/python bench/bench_engine.py

lint:
	.venv/bin/ruff check src tests bench
	.venv/bin/mypy src
