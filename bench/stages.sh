#!/usr/bin/env bash
# Stage benchmark: import (one cluster per file), assess, plan and report on the same generated estate, in one run, against
# the libyaml event-scan floor of the same files. Prints wall time and peak RSS per stage, each stage's ratio to the floor,
# assess + plan + report against the floor (target: within 2x), and the size of every Markdown report (target: under 2 MB).
#
# usage: bench/stages.sh [--clusters 5 --namespaces 100 --apps 20] [--target-version 1.33]
#        EKSODUS_BIN=path/to/eksodus bench/stages.sh   (that build instead of building this checkout)
# Needs: ../shared/bench (beside this checkout), python3 with PyYAML, gcc, libyaml-dev, GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${EKSODUS_SHARED:-../shared}/bench
out=bench/out
clusters=5 namespaces=100 apps=20 target=1.33
while [ $# -gt 0 ]; do
  case "$1" in
    --clusters) clusters=$2; shift 2 ;;
    --namespaces) namespaces=$2; shift 2 ;;
    --apps) apps=$2; shift 2 ;;
    --target-version) target=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 2; }

estate=$out/estate-$clusters-$namespaces-$apps-yaml
mkdir -p "$out"
if [ ! -f "$estate/expected.json" ]; then
  echo "Generating the estate in $estate (once)..." >&2
  mkdir -p "$estate"
  python3 "$shared/gen_estate.py" "$estate" --clusters "$clusters" --namespaces "$namespaces" --apps "$apps" 2>"$estate/expected.json"
fi
files=("$estate"/*.yaml)

if [ -n "${EKSODUS_BIN:-}" ]; then
  eksodus=$(realpath "$EKSODUS_BIN")   # a given build (main's, say), to compare two builds run after run on the same machine
else
  echo "Building (release, .build-release)..." >&2
  swift build -c release --product eksodus --scratch-path .build-release >"$out/build.log" 2>&1 || { tail -20 "$out/build.log" >&2; exit 1; }
  eksodus=.build-release/release/eksodus
fi
gcc -O2 -o "$out/yaml_floor" "$shared/yaml_floor.c" -lyaml

db=$out/stages.db
reports=$out/stages-reports
rm -rf "$db" "$db-wal" "$db-shm" "$reports"

# stage NAME COMMAND...: wall seconds, peak RSS (KiB) and CPU seconds (user + system) of one run, added to the stage's
# totals. CPU time is printed beside wall time: on a shared machine it is the steadier of the two.
declare -A wall rss cpu
stage() {
  local name=$1; shift
  /usr/bin/time -f "%e %M %U %S" -o "$out/stage-$name.time" "$@" >"$out/stage-$name.out" 2>"$out/stage-$name.err" \
    || { echo "$name failed:" >&2; tail -5 "$out/stage-$name.err" >&2; exit 1; }
  local w m u s
  read -r w m u s <"$out/stage-$name.time"
  wall[$name]=$(awk "BEGIN{print ${wall[$name]:-0} + $w}")
  cpu[$name]=$(awk "BEGIN{print ${cpu[$name]:-0} + $u + $s}")
  [ "$m" -gt "${rss[$name]:-0}" ] && rss[$name]=$m
  return 0
}

stage floor "$out/yaml_floor" "${files[@]}"
for file in "${files[@]}"; do
  stage import "$eksodus" import "$file" --cluster "$(basename "$file" .yaml)" --db "$db" --quiet
done
stage assess "$eksodus" assess --target-version "$target" --db "$db"
stage plan "$eksodus" plan --target-version "$target" --region eu-west-1 --account-id 123456789012 --db "$db"
stage report "$eksodus" report all --out "$reports" --db "$db"

python3 - "$estate/expected.json" "$reports" \
  "${wall[floor]}" "${rss[floor]}" "${cpu[floor]}" "${wall[import]}" "${rss[import]}" "${cpu[import]}" \
  "${wall[assess]}" "${rss[assess]}" "${cpu[assess]}" "${wall[plan]}" "${rss[plan]}" "${cpu[plan]}" \
  "${wall[report]}" "${rss[report]}" "${cpu[report]}" <<'PY'
import json, os, sys
expected = json.load(open(sys.argv[1]))
reports = sys.argv[2]
values = sys.argv[3:]
stages = {name: (float(values[3 * i]), int(values[3 * i + 1]), float(values[3 * i + 2]))
          for i, name in enumerate(["floor", "import", "assess", "plan", "report"])}
floor, floor_cpu = stages["floor"][0], stages["floor"][2]
print(f"estate: {len(expected['files'])} files (one cluster each), {expected['bytes'] / 1e6:.0f} MB, {expected['objects']} objects, "
      f"{expected['workloads']} workloads; one run per stage, {os.cpu_count()} cores")
print(f"{'':8} {'seconds':>8} {'x floor':>8} {'peak RSS':>10} {'CPU s':>8} {'x floor':>8}")
for name, (seconds, kb, cpu) in stages.items():
    print(f"{name:8} {seconds:8.2f} {seconds / floor:8.2f} {kb / 1024:7.0f} MB {cpu:8.2f} {cpu / floor_cpu:8.2f}")
after = sum(stages[name][0] for name in ["assess", "plan", "report"])
after_cpu = sum(stages[name][2] for name in ["assess", "plan", "report"])
print(f"assess + plan + report: {after:.2f} s = {after / floor:.2f}x the libyaml floor (target: within 2x); "
      f"CPU {after_cpu:.2f} s = {after_cpu / floor_cpu:.2f}x the floor's CPU; load average {os.getloadavg()[0]:.1f}")
print("reports:")
for name in sorted(os.listdir(reports)):
    size = os.path.getsize(os.path.join(reports, name))
    flag = "  (over 2 MB)" if name.endswith(".md") and size > 2_000_000 else ""
    print(f"  {name:18} {size / 1e6:7.2f} MB{flag}")
PY
