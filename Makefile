# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
CMAKE_FLAGS := -G Ninja -Wno-dev

.PHONY: setup build debug asan run test bench fuzz format lint clean

setup:
	@scripts/setup

build/release/build.ninja:
	cmake -S . -B build/release $(CMAKE_FLAGS) -DCMAKE_BUILD_TYPE=Release -DAGENTD_BUILD_TESTS=OFF

build: setup build/release/build.ninja
	cmake --build build/release -j $(JOBS)

debug: setup
	cmake -S . -B build/debug $(CMAKE_FLAGS) -DCMAKE_BUILD_TYPE=Debug
	cmake --build build/debug -j $(JOBS)

# Line tables only (-g1): enough for the sanitizers' stack traces, and a faster build. The tests
# run on Debian's Python, whose modules (jsonschema, prometheus_client) scripts/setup installs.
asan: setup
	cmake -S . -B build/asan $(CMAKE_FLAGS) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
	  -DAGENTD_SANITIZE=ON -DPython3_EXECUTABLE=/usr/bin/python3
	cmake --build build/asan -j $(JOBS)

run: build
	build/release/agentd serve

# Tests run against the sanitizer build; scripts/test starts and stops the services they need.
test: asan
	scripts/test build/asan

bench: build
	bench/run
	bench/gateway
	bench/metrics
	bench/long-conversation
	bench/storage
	bench/replicas
	bench/budgets

# Fuzzes for a minute in build/fuzz, a clang build with libFuzzer and the sanitizers.
fuzz: setup
	scripts/fuzz-smoke --seconds 60 --require

# Formats the C++ sources in place; `make test` fails while one is not formatted.
format:
	scripts/format

# clang-tidy on the C++ sources changed in the work tree (or in the last commit).
lint: setup
	scripts/lint

clean:
	rm -rf build
