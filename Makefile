# Two commands on a fresh machine: `make regenerate` and `make test`. Both set up .venv first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.specgen-installed

.PHONY: install regenerate check test diff bench fuzz clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

regenerate: install
	$(BIN)/specgen regenerate

check: install
	$(BIN)/specgen check

test: install
	$(BIN)/python -m pytest -q

# make diff OLD=specs/openai-chat-2023/openapi.yaml NEW=specs/openai-chat-2025.yaml [FORMAT=markdown]
diff: install
	$(BIN)/specgen diff $(OLD) $(NEW) --format $(or $(FORMAT),text)

bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

fuzz: install
	SPECGEN_FUZZ_EXAMPLES=$(or $(EXAMPLES),1500) $(BIN)/python -m pytest -q tests/test_fuzz.py

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache
