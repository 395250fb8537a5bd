# The two commands of README.md, and the few that go with them.
#   make leakcheck   install what is missing, build, run every case in cases/
#   make test        install what is missing, build, run the whole test suite
BUILD ?= build
JOBS  ?= $(shell nproc)
PYTHON := /usr/bin/python3.11

.PHONY: leakcheck test deps build bench clean fuzz

leakcheck: build
	./$(BUILD)/leakcheck run cases/

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

deps:
	bash ci/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DPython3_EXECUTABLE=$(PYTHON)
	cmake --build $(BUILD) -j $(JOBS)

# Every fuzz target with clang, libFuzzer, ASan and UBSan into build-fuzz/
# (ci/build-fuzz.sh, the OSS-Fuzz shape), then each for a short, bounded
# time (ci/run-fuzz.sh: FUZZ_TIME seconds per parser target, FUZZ_CASE_TIME
# per fuzzable case). corpus/README.md says more.
FUZZ_BUILD ?= build-fuzz
FUZZ_CC ?= clang-14
FUZZ_CFLAGS ?= -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined
fuzz: deps
	CC=$(FUZZ_CC) CFLAGS="$(FUZZ_CFLAGS)" LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
	    OUT=$(CURDIR)/$(FUZZ_BUILD) WORK=$(CURDIR)/$(FUZZ_BUILD)/work \
	    LEAKCHECK_PYTHON=$(PYTHON) bash ci/build-fuzz.sh
	bash ci/run-fuzz.sh $(FUZZ_BUILD)

bench: build
	bash bench/hook_overhead.sh $(BUILD)

clean:
	rm -rf $(BUILD) build-fuzz
