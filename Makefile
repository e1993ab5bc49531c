# One command per chore, for people and CI alike.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install install-test run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

# Until the service exists (issue 3), the main job trains the default model on data/ (if none is
# current yet) and scores a sample comment under the post this project started from.
run: install
	@$(BIN)/python -c "from moderation.registry import Registry; from moderation.config import get_settings; \
	import sys; sys.exit(0 if Registry(get_settings().models_dir).has_current() else 1)" || $(BIN)/python train.py
	$(BIN)/moderation score examples/seed-post-comments.jsonl

test: install-test
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check moderation tests bench train.py
	$(BIN)/ruff format --check moderation tests bench train.py

bench: install
	$(BIN)/python bench/quality.py
	taskset -c 0 $(BIN)/python bench/speed.py

clean:
	rm -rf $(VENV) var .pytest_cache
