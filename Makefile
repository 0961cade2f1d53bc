# Two commands do all the set-up on a fresh Debian machine with Python 3.11:
#   make render   installs what is missing, then renders renders/dropout.mp4
#   make test     installs what is missing, then runs the whole test suite
# Re-running on a machine that has everything installs nothing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.regviz-installed

# Debian packages: cairo/pango headers and pkg-config (pycairo and manimpango build from source),
# ffmpeg, the TeX that MathTex needs (standalone, preview, amsmath + dvisvgm), and chromium for the
# study-page tests (Playwright drives it; its own browser download is not used).
APT_PACKAGES := libcairo2-dev libpango1.0-dev pkg-config ffmpeg \
                texlive-latex-base texlive-latex-recommended texlive-latex-extra dvisvgm chromium

SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: all test render bench system venv clean

all: test

system:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || missing="$$missing python3-venv"; \
	$(PYTHON) -c 'import os, sysconfig; assert os.path.exists(sysconfig.get_path("include") + "/Python.h")' \
	  2>/dev/null || missing="$$missing python3-dev"; \
	if [ -n "$$missing" ]; then \
	  echo "==> apt-get install$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml | system
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

venv: $(STAMP)

test: $(STAMP)
	HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-ci} $(BIN)/python -m pytest -n 2 --dist loadfile

render: $(STAMP)
	$(BIN)/regviz render dropout

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	$(BIN)/python bench/run.py
	$(BIN)/python bench/renders.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
