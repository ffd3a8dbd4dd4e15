# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app binnenwerk
STAMP := $(VENV)/.installed

.PHONY: run test install translations db worker bench bench-load clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	@if ls binnenwerk/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel compile -d binnenwerk/translations >/dev/null; fi

db: install
	$(FLASK) init-db
	$(FLASK) seed-demo --if-empty

# A local demo: two-step login (required for admin and planner in production) is off here, and
# the office number employees are given on a day their team leader is away is a demo number.
run: db
	MFA_REQUIRED_ROLES= OFFICE_PHONE="$${OFFICE_PHONE:-070-1234567}" $(FLASK) run --host 127.0.0.1 --port 5000

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

worker: install
	$(BIN)/rq worker --url "$${REDIS_URL:-redis://127.0.0.1:6379/0}" binnenwerk-solve

bench: install
	$(BIN)/python -m scheduling bench

# 50 team leaders and 1,500 calendar feeds against gunicorn and PostgreSQL on 127.0.0.1 (about 2 minutes).
bench-load: install
	$(BIN)/python -m binnenwerk.bench_load $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
