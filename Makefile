# The two commands of the README: `make serve` (build, validate, serve on
# http://127.0.0.1:5000/sparql) and `make test`.
# Each one sets up what it needs (virtual environment, Python packages) first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
STORE  ?= var/store
NPM_STAMP := node_modules/.installed
VENDOR    := server/static/vendor

.PHONY: serve test lint build validate clean

serve: $(STAMP) $(NPM_STAMP) build
	$(BIN)/passerelles serve --store $(STORE)

test: $(STAMP) $(NPM_STAMP) lint
	@# Debian's chromium (browser tests) and Virtuoso 7 (the `virtuoso` tests, which the
	@# default run includes: they fail, never skip, without it).
	scripts/install-system-packages.sh
	@# pytest exits 5 when it collected no test: that must fail, not pass silently.
	$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check kg server tests
	$(BIN)/mypy

build: $(STAMP)
	$(BIN)/passerelles build --store $(STORE)

validate: $(STAMP)
	$(BIN)/passerelles validate

# The benchmark suite (bench/README.md): our server on its embedded store and on a remote
# `oxigraph serve`, a raw `oxigraph serve` and rdflib-endpoint, which lives in its own
# virtual environment; 100k and 1M generated triples, 1 and 8 clients, under 20 minutes.
BENCH_VENV  := bench/.venv
BENCH_STAMP := $(BENCH_VENV)/.installed

.PHONY: bench
bench: $(STAMP) $(BENCH_STAMP)
	$(BIN)/python -m bench.endpoint --out bench/results/endpoint.csv

# The build at scale (bench/README.md): generate 1M triples, build, serve a page; time
# per phase and peak memory.
.PHONY: bench-build
bench-build: $(STAMP)
	$(BIN)/python bench/build.py --triples 1000000

$(BENCH_STAMP): bench/requirements.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/pip install --quiet -r bench/requirements.txt
	touch $(BENCH_STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || { apt-get update && apt-get install -y python3-venv; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The browser assets (YASGUI, cytoscape.js, Leaflet; pinned in package.json and
# package-lock.json),
# copied into our own static files so the page works with no internet.
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/yasgui $(VENDOR)/cytoscape $(VENDOR)/leaflet
	cp node_modules/@zazuko/yasgui/build/yasgui.min.js node_modules/@zazuko/yasgui/build/yasgui.min.css $(VENDOR)/yasgui/
	cp node_modules/cytoscape/dist/cytoscape.min.js $(VENDOR)/cytoscape/
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	touch $(NPM_STAMP)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache node_modules $(VENDOR)
