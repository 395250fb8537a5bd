# The two commands of README.md, and the few that go with them.
#   make leakcheck   install what is missing, build, run every case in cases/
#   make test        install what is missing, build, run the whole test suite
BUILD ?= build
JOBS  ?= $(shell nproc)
PYTHON := /usr/bin/python3.11

.PHONY: leakcheck test deps build bench clean

leakcheck: build
	./$(BUILD)/leakcheck run cases/

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

deps:
	bash ci/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DPython3_EXECUTABLE=$(PYTHON)
	cmake --build $(BUILD) -j $(JOBS)

bench: build
	bash bench/hook_overhead.sh $(BUILD)

clean:
	rm -rf $(BUILD) build-fuzz
