# Veille: the two commands (see README.md) and a few helpers.
#   make demo   install missing packages, build, ingest the demo corpus, search it
#   make test   install missing packages, build, run the whole test suite
SHELL := /bin/bash
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
SHARED ?= ../shared
VEILLE := $(BUILD)/veille
# ccache, when the machine has it, speeds up rebuilds (not needed otherwise).
CMAKE_ARGS ?= $(shell command -v ccache >/dev/null 2>&1 && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)

.PHONY: all deps build demo test asan-test bench eval fuzz clean format

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@bash scripts/demo.sh $(VEILLE)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer.
asan-test: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DVEILLE_SANITIZE=ON -DVEILLE_BENCH=OFF -DVEILLE_TOOLS=OFF $(CMAKE_ARGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

# Quality figures against ../shared (seeds gold and the datasets).
eval: build
	@bash scripts/eval.sh $(BUILD) $(SHARED)

# Speed figures: OrangeSum ingest and search latency.
bench: build
	@bash scripts/bench.sh $(BUILD) $(SHARED)

# libFuzzer targets (clang); run each for FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DVEILLE_FUZZ=ON -DVEILLE_SANITIZE=ON -DVEILLE_BENCH=OFF
	cmake --build build-fuzz -j $(JOBS)
	@for t in build-fuzz/fuzz/*_fuzz; do echo "== $$t"; $$t -max_total_time=$(FUZZ_SECONDS) fuzz/corpus/$$(basename $$t) || exit 1; done

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
