#!/usr/bin/env bash
# Rebuilds examples/silero-vad/data/: the labelled recordings evaluate.mjs scores.
#
# Requires: espeak-ng (speech synthesis), sox (resampling to 16 kHz), node >= 20.
#   Debian/Ubuntu: apt-get install -y espeak-ng sox
# Usage: examples/silero-vad/make-dataset.sh [output-dir]   (default: the data/ folder beside it)
#
# The run is deterministic: the noise comes from fixed seeds and sox runs without dither, so the
# same espeak-ng and sox versions write byte-identical files. Other espeak-ng versions may speak
# slightly differently; the labels are always measured from the speech actually written.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-"$here/data"}"

for tool in espeak-ng sox node; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "make-dataset: '$tool' is not on PATH (apt-get install -y espeak-ng sox; node >= 20)" >&2
    exit 1
  fi
done

echo "make-dataset: $(espeak-ng --version | head -n 1)" >&2
echo "make-dataset: $(sox --version)" >&2

node "$here/make-dataset.mjs" --out "$out"

total_bytes="$(du -cb "$out"/*.wav "$out"/labels.json | tail -n 1 | cut -f 1)"
echo "make-dataset: $total_bytes bytes in $out" >&2
