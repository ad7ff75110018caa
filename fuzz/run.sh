#!/usr/bin/env bash
# Coverage-guided fuzzing of the manifest reader with libFuzzer, for a bounded time.
# Usage: fuzz/run.sh [SECONDS]   (default 60)
# Seeds: Tests/EksodusCoreTests/FuzzRegressions/ and the small manifests of ../shared/fixtures when present.
# A crash, a timeout or a memory blow-up is saved under .build/fuzz/findings/ and fails the run (exit 1):
# add the input to Tests/EksodusCoreTests/FuzzRegressions/, fix the reader, and keep the file.
# Exit 3 when this toolchain cannot build the fuzzer (no libFuzzer): callers may treat that as "skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=.build/fuzz
corpus=$build/corpus
findings=$build/findings

# libFuzzer without its main (SwiftPM gives the executable one), from the toolchain's clang runtime.
library=$(find "$(dirname "$(readlink -f "$(command -v swiftc)")")/../lib/clang" -name "libclang_rt.fuzzer_no_main-$(uname -m).a" 2>/dev/null | head -1 || true)
if [ -z "$library" ] || ! EKSODUS_FUZZ="$library" swift build -c release --build-path "$build" --product ManifestFuzzer; then
  echo "fuzz: cannot build the libFuzzer target with this toolchain; not fuzzing" >&2
  exit 3
fi

mkdir -p "$corpus" "$findings"
seed() { cp "$1" "$corpus/seed-$(sha256sum < "$1" | cut -c1-16)"; }
for file in Tests/EksodusCoreTests/FuzzRegressions/*; do
  [ "$(basename "$file")" = README.md ] || seed "$file"
done
if [ -d ../shared/fixtures ]; then
  while IFS= read -r -d '' file; do seed "$file"; done \
    < <(find ../shared/fixtures -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -size -64k -print0)
fi

# -rss_limit_mb catches an alias bomb that gets past the reader's budget; -timeout one that only burns time.
# Swift's own crash backtracer would hold the terminal; libFuzzer reports the crash and saves the input.
SWIFT_BACKTRACE=enable=no "$build/release/ManifestFuzzer" "$corpus" \
  -max_total_time="$seconds" -max_len=262144 -timeout=20 -rss_limit_mb=1536 \
  -artifact_prefix="$findings/" -print_final_stats=1 -close_fd_mask=1
