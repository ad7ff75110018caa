#!/usr/bin/env bash
# Import benchmark: eksodus against what a user would write instead (PyYAML + sqlite3) and the libyaml
# event-scan floor, on the same generated estate, in one run. Prints wall time, objects/s, peak RSS and ratios.
#
# usage: bench/run.sh [--clusters 5 --namespaces 100 --apps 20] [--json] [--one-file] [--eksodus-only] [--binary PATH]
#   --one-file      one cluster, so one large `kind: List` file (size it with --namespaces and --apps: 200 x 160 is about 400 MB)
#   --eksodus-only  skip the PyYAML baseline and the libyaml floor (for inputs too large for them), report eksodus' time and peak RSS
#   --binary PATH   measure this eksodus build instead of building one (e.g. an older build, to compare)
# Needs: ../shared/bench (beside this checkout), python3 with PyYAML, gcc, libyaml-dev, GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${EKSODUS_SHARED:-../shared}/bench
out=bench/out
clusters=5 namespaces=100 apps=20 format=yaml only=false binary=""
while [ $# -gt 0 ]; do
  case "$1" in
    --one-file) clusters=1; shift ;;
    --eksodus-only) only=true; shift ;;
    --binary) binary=$2; shift 2 ;;
    --clusters) clusters=$2; shift 2 ;;
    --namespaces) namespaces=$2; shift 2 ;;
    --apps) apps=$2; shift 2 ;;
    --json) format=json; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 2; }

estate=$out/estate-$clusters-$namespaces-$apps-$format
mkdir -p "$out"
if [ ! -f "$estate/expected.json" ]; then
  echo "Generating the estate in $estate (once)..." >&2
  mkdir -p "$estate"
  flag=""; [ "$format" = json ] && flag=--json
  python3 "$shared/gen_estate.py" "$estate" --clusters "$clusters" --namespaces "$namespaces" --apps "$apps" $flag 2>"$estate/expected.json"
fi
files=("$estate"/*."$format")

if [ -z "$binary" ]; then
  echo "Building..." >&2
  swift build -c release --product eksodus --scratch-path .build-release >/dev/null
  binary=.build-release/release/eksodus
fi
$only || gcc -O2 -o "$out/yaml_floor" "$shared/yaml_floor.c" -lyaml

# measure RUNS NAME COMMAND...: keeps the fastest of RUNS runs (wall seconds, with that run's CPU seconds, user + system)
# and the largest peak RSS (KiB), so a busy machine skews the ratios less. `before` runs ahead of each run (a fresh database).
declare -A wall rss cpu
before=true
measure() {
  local runs=$1 name=$2; shift 2
  local best="" peak=0 w m u s
  for _ in $(seq "$runs"); do
    $before
    /usr/bin/time -f "%e %M %U %S" -o "$out/$name.time" "$@" >"$out/$name.out" 2>"$out/$name.err"
    read -r w m u s <"$out/$name.time"
    if [ -z "$best" ] || awk "BEGIN{exit !($w < $best)}"; then best=$w; cpu[$name]=$(awk "BEGIN{print $u + $s}"); fi
    [ "$m" -gt "$peak" ] && peak=$m
  done
  wall[$name]=$best rss[$name]=$peak
}
fresh_eksodus() { rm -f "$out"/bench-eksodus.db*; }
fresh_baseline() { rm -f "$out"/bench-baseline.db; }

runs=${BENCH_RUNS:-3}
if [ "$format" = yaml ] && ! $only; then before=true measure "$runs" floor "$out/yaml_floor" "${files[@]}"; fi
before=fresh_eksodus measure "$runs" eksodus "$binary" import "${files[@]}" --cluster estate --db "$out/bench-eksodus.db" --quiet
$only || before=fresh_baseline measure 1 baseline python3 "$shared/baseline_import.py" "$out/bench-baseline.db" "${files[@]}"

python3 - "$estate/expected.json" "$out" "${wall[floor]:-}" "${rss[floor]:-}" "${wall[eksodus]}" "${rss[eksodus]}" "${wall[baseline]:-}" "${rss[baseline]:-}" "${cpu[eksodus]}" <<'PY'
import json, re, sys
expected = json.load(open(sys.argv[1]))
out = sys.argv[2]
floor_s, floor_kb, eks_s, eks_kb, base_s, base_kb, eks_cpu = sys.argv[3:10]
objects = expected["objects"]
mb = expected["bytes"] / 1e6
summary = open(f"{out}/eksodus.out").read()
read = int(re.search(r"Imported (\d+) objects", summary).group(1))
print(f"fastest of several runs each (baseline once); 2 cores")
print(f"estate: {len(expected['files'])} files, {mb:.0f} MB, {objects} objects (eksodus read {read})")
print(f"{'':10} {'seconds':>8} {'objects/s':>10} {'MB/s':>7} {'peak RSS':>10}")
rows = [("eksodus", eks_s, eks_kb)]
if base_s:
    rows.append(("baseline", base_s, base_kb))
if floor_s:
    rows.append(("yaml_floor", floor_s, floor_kb))
for name, s, kb in rows:
    s = float(s)
    print(f"{name:10} {s:8.2f} {objects / s:10.0f} {mb / s:7.1f} {int(kb) / 1024:8.0f} MB")
print(f"eksodus CPU: {float(eks_cpu):.2f} s (user + system; steadier than wall time on a shared machine)")
if base_s:
    print(f"eksodus vs baseline: {float(base_s) / float(eks_s):.2f}x faster")
if floor_s:
    print(f"eksodus vs libyaml floor: {float(eks_s) / float(floor_s):.2f}x the floor's time (target: within 2x)")
PY
