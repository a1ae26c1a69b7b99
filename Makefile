# Two commands do all the set-up on a fresh machine:
#   make run    builds .venv and runs the main job (causalab run: the default benchmark and report)
#   make test   builds .venv (and installs Debian's chromium when missing) and runs the test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
OUT ?= causalab-results
JOBS ?= 2

.PHONY: run demo test bench mutation planted-bugs browser notebooks notebooks-sync clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# a CPU build of torch first: a bare 'torch' requirement would pull a multi-GB CUDA build
	$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[test,causalml]"
	# CausalML without its CUDA and scipy requirements (see pyproject's causalml extra)
	$(PY) -m pip install -q --no-deps "causalml>=0.16"
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/causalab run --out $(OUT)

demo: $(VENV)/.installed
	$(PY) examples/scripts/demo.py

# the report test opens the HTML in a real headless browser
browser:
	command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# two workers (pytest-xdist) on the 2-core machines we budget for; bash's `time` prints the suite's
# wall and CPU time (user + sys include the workers) after pytest's 25 slowest tests
test: $(VENV)/.installed browser
	bash -c 'time $(PY) -m pytest -q -n $(JOBS) --dist loadgroup --durations=25'

bench: $(VENV)/.installed
	$(PY) benchmarks/bench_engine.py
	$(PY) benchmarks/bench_learners.py
	$(PY) benchmarks/bench_run.py
	$(PY) benchmarks/peers.py

# cosmic-ray on a seeded sample of sites in causalab/scm and environments/ (about 50 minutes
# on 2 cores; SITES="40 30" for a quicker look); prints the killed share and every survivor
SITES ?= 120 80
mutation: $(VENV)/.installed
	$(PY) -c "import cosmic_ray" 2>/dev/null || $(PY) -m pip install -q "cosmic-ray>=8.7"
	$(PY) tests/mutation.py --sites $(SITES)

# hand-planted one-line bugs, mostly in learners, evaluation, runner and report: the suite must catch each
planted-bugs: $(VENV)/.installed
	$(PY) tests/planted_bugs.py

# the notebooks' .ipynb are generated from their jupytext sources (examples/notebooks/NN_*.py)
notebooks-sync: $(VENV)/.installed
	$(VENV)/bin/jupytext --to ipynb --update examples/notebooks/[0-9][0-9]_*.py 2>/dev/null || \
		$(VENV)/bin/jupytext --to ipynb examples/notebooks/[0-9][0-9]_*.py

# open the notebooks in JupyterLab from the project's own environment
notebooks: $(VENV)/.installed
	$(PY) -c "import jupyterlab" 2>/dev/null || $(PY) -m pip install -q jupyterlab
	$(VENV)/bin/jupyter lab examples/notebooks

clean:
	rm -rf $(VENV) build dist *.egg-info $(OUT)
