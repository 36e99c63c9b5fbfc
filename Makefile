# Two entry points: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit clean catalogs system-packages

$(STAMP): pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/voix demo

test: $(STAMP) system-packages lint typecheck unit

# The browser and spreadsheet checks read pages in Debian's Chromium and CSV files in LibreOffice
# Calc. As root (a fresh CI machine) they are installed here; otherwise the one command is printed.
SYSTEM_PACKAGES := chromium libreoffice-calc-nogui fonts-dejavu-core
system-packages:
	@if ! command -v chromium >/dev/null || ! command -v soffice >/dev/null \
	    || [ ! -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(SYSTEM_PACKAGES); \
	  else \
	    echo "The tests need Debian packages: sudo apt-get install -y $(SYSTEM_PACKAGES)"; exit 1; \
	  fi; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy referentiel conversations storage voix bot admin demo telegram_emulator

unit: $(STAMP)
	$(BIN)/pytest -q

catalogs: $(STAMP)
	$(BIN)/pybabel extract --no-location -w 100 -k N_ -k N_plural:1,2 -o locales/voix.pot bot conversations admin storage voix
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -w 100 -i locales/voix.pot -d locales -D voix

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
