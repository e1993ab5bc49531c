# One command per chore, for people and CI alike.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install install-test run sample test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

# The main job: train the default model on data/ if none is current yet, then serve the API on the
# embedded SQLite database (var/moderation.db), http://127.0.0.1:8000 (docs at /docs).
run: install
	@$(BIN)/python -c "from moderation.registry import Registry; from moderation.config import get_settings; \
	import sys; sys.exit(0 if Registry(get_settings().models_dir).has_current() else 1)" || $(BIN)/python train.py
	$(BIN)/moderation serve

# Score the sample comments under the post this project started from (JSON lines out).
sample: install
	$(BIN)/moderation score examples/seed-post-comments.jsonl

test: install-test
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check moderation tests bench train.py
	$(BIN)/ruff format --check moderation tests bench train.py

bench: install
	$(BIN)/python bench/quality.py
	taskset -c 0 $(BIN)/python bench/speed.py
	$(BIN)/python bench/service.py

clean:
	rm -rf $(VENV) var .pytest_cache
