# Two entry points: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit clean catalogs

$(STAMP): pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/voix demo

test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy referentiel conversations storage voix bot admin demo telegram_emulator

unit: $(STAMP)
	$(BIN)/pytest -q

catalogs: $(STAMP)
	$(BIN)/pybabel extract --no-location -k N_ -o locales/voix.pot bot conversations admin storage voix
	$(BIN)/pybabel update --no-fuzzy-matching -i locales/voix.pot -d locales -D voix

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
