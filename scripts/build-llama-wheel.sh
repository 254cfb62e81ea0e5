#!/usr/bin/env bash
# Builds llama-cpp-python once for this machine kind and caches the wheel.
#
# Why: a native build (-march=native) on CPUs with AVX-512/AMX segfaults on
# multi-token decode; a portable AVX2 build works. pip's own wheel cache is
# keyed by the sdist, not by CMAKE_ARGS, so we keep our own cache keyed by both.
set -euo pipefail

LLAMA_VERSION="${HYBRIDAI_LLAMA_VERSION:-0.3.36}"
CMAKE_ARGS="${HYBRIDAI_LLAMA_CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF}"
PYTHON="${1:-python3}"

key=$(printf '%s|%s|%s' "$LLAMA_VERSION" "$CMAKE_ARGS" "$("$PYTHON" -c 'import sys;print(sys.version_info[:2])')" | sha256sum | cut -c1-16)
wheel_dir="${HYBRIDAI_WHEEL_CACHE:-$HOME/.cache/hybridai/wheels}/llama-cpp-python-$LLAMA_VERSION-$key"

if ! ls "$wheel_dir"/llama_cpp_python-*.whl >/dev/null 2>&1; then
  echo ">> building llama-cpp-python $LLAMA_VERSION (portable AVX2, ~5 min, once per machine)" >&2
  tmp="$wheel_dir.tmp.$$"
  mkdir -p "$tmp"
  CMAKE_ARGS="$CMAKE_ARGS" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
    "$PYTHON" -m pip wheel --no-deps --no-cache-dir --no-binary llama-cpp-python \
    -w "$tmp" "llama-cpp-python==$LLAMA_VERSION" >&2
  rm -rf "$wheel_dir"
  mv "$tmp" "$wheel_dir"
fi
ls "$wheel_dir"/llama_cpp_python-*.whl
