# Two commands on a fresh machine: `make regenerate` and `make test`. Both set up .venv first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.specgen-installed

# pytest-xdist workers for `make test`: the cores this process may use, at most 4 (0 = no xdist)
TEST_WORKERS ?= $(shell $(PY) -c "import os; print(min(4, len(os.sched_getaffinity(0))))" 2>/dev/null || echo 2)
# pytest's exit 5 means it collected nothing: a failure, said out loud, never a silent pass
# and with bytecode written (an environment's PYTHONDONTWRITEBYTECODE unset): pytest then keeps
# each test module's assertion rewrite in __pycache__ instead of redoing it in every worker and run
PYTEST_RUN = env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -q $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder)

.PHONY: install regenerate check test test-quick diff bench fuzz clean

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
	$(PYTEST_RUN) $(TEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests (exit 5); that is a failure" >&2; fi; exit $$rc

# while you work: everything but the corpus and slow tests (make test still runs them all)
test-quick: install
	$(PYTEST_RUN) -m "not corpus and not slow" $(TEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test-quick: pytest collected no tests (exit 5); that is a failure" >&2; fi; exit $$rc

# make diff OLD=specs/openai-chat-2023/openapi.yaml NEW=specs/openai-chat-2025.yaml [FORMAT=markdown]
diff: install
	$(BIN)/specgen diff $(OLD) $(NEW) --format $(or $(FORMAT),text)

bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

fuzz: install
	SPECGEN_FUZZ_EXAMPLES=$(or $(EXAMPLES),1500) $(BIN)/python -m pytest -q tests/test_fuzz.py

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache
