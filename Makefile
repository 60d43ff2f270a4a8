# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
CMAKE_FLAGS := -G Ninja -Wno-dev

.PHONY: setup build debug asan run test bench fuzz format clean

setup:
	@scripts/setup

build/release/build.ninja:
	cmake -S . -B build/release $(CMAKE_FLAGS) -DCMAKE_BUILD_TYPE=Release -DAGENTD_BUILD_TESTS=OFF

build: setup build/release/build.ninja
	cmake --build build/release -j $(JOBS)

debug: setup
	cmake -S . -B build/debug $(CMAKE_FLAGS) -DCMAKE_BUILD_TYPE=Debug
	cmake --build build/debug -j $(JOBS)

asan: setup
	cmake -S . -B build/asan $(CMAKE_FLAGS) -DCMAKE_BUILD_TYPE=Debug -DAGENTD_SANITIZE=ON
	cmake --build build/asan -j $(JOBS)

run: build
	build/release/agentd serve

# Tests run against the sanitizer build; scripts/test starts and stops the services they need.
test: asan
	scripts/test build/asan

bench: build
	bench/run

# Fuzzes for a minute in build/fuzz, a clang build with libFuzzer and the sanitizers.
fuzz: setup
	scripts/fuzz-smoke --seconds 60 --require

clean:
	rm -rf build
