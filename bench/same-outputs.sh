#!/usr/bin/env bash
# Same outputs: runs assess, plan and report with two builds of eksodus on the same inputs and diffs everything each stage
# writes (its stdout, every row it stores, every report file). A speed change must leave them byte-identical.
#
# usage: bench/same-outputs.sh OLD_EKSODUS NEW_EKSODUS [--clusters 5 --namespaces 100 --apps 20]
# Each stage of both builds starts from the same database (the old build's previous stage), with one fixed --now.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 OLD_EKSODUS NEW_EKSODUS [--clusters N --namespaces N --apps N]" >&2; exit 2; }
old=$(realpath "$1") new=$(realpath "$2"); shift 2
cd "$(dirname "$0")/.."
shared=${EKSODUS_SHARED:-../shared}/bench
clusters=5 namespaces=100 apps=20
while [ $# -gt 0 ]; do
  case "$1" in
    --clusters) clusters=$2; shift 2 ;;
    --namespaces) namespaces=$2; shift 2 ;;
    --apps) apps=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
estate=bench/out/estate-$clusters-$namespaces-$apps-yaml
if [ ! -f "$estate/expected.json" ]; then
  mkdir -p "$estate"
  python3 "$shared/gen_estate.py" "$estate" --clusters "$clusters" --namespaces "$namespaces" --apps "$apps" 2>"$estate/expected.json"
fi
work=bench/out/same-outputs
rm -rf "$work"; mkdir -p "$work/old" "$work/new"
now=2099-01-01T00:00:00Z   # later than the import, so plan reuses the stored assessment

for file in "$estate"/*.yaml; do
  "$old" import "$file" --cluster "$(basename "$file" .yaml)" --db "$work/imported.db" --quiet >/dev/null
done

# dump DB DIR: the rows assess and plan store, sorted, without timestamps or row ids.
dump() {
  local q=(sqlite3 -batch -noheader -separator $'\t' "$1")
  mkdir -p "$2"
  "${q[@]}" "SELECT check_id, severity, category, cluster_id, namespace, kind, name, resource_id, workload_id, field, message, system, source_file, source_line FROM finding ORDER BY 1, 4, 5, 6, 7, 10, 11" >"$2/finding.tsv"
  "${q[@]}" "SELECT cluster_id, readiness_score, blockers, warnings, infos, ignored FROM cluster_assessment ORDER BY 1" >"$2/cluster_assessment.tsv"
  "${q[@]}" "SELECT * FROM workload_assessment ORDER BY workload_id" >"$2/workload_assessment.tsv"
  "${q[@]}" "SELECT position, key, phase, step, title, cluster_id, wave, workload_id, prerequisites, evidence, rollback, state, state_note, obsolete, commands, rollback_commands FROM plan_item ORDER BY position" >"$2/plan_item.tsv"
  "${q[@]}" "SELECT name, body FROM plan_section ORDER BY name" >"$2/plan_section.tsv"
  "${q[@]}" "SELECT consumer_id, provider_id, evidence FROM plan_dependency ORDER BY 1, 2, 3" >"$2/plan_dependency.tsv"
  "${q[@]}" "SELECT workload_id, wave, reason, cycle FROM plan_workload ORDER BY 1" >"$2/plan_workload.tsv"
}

input=$work/imported.db
status=0
for stage in assess plan report; do
  case $stage in
    assess) args=(assess --target-version 1.33) ;;
    plan) args=(plan --target-version 1.33 --region eu-west-1 --account-id 123456789012) ;;
    report) args=(report all) ;;
  esac
  for build in old new; do
    binary=$old; [ $build = new ] && binary=$new
    dir=$work/$build/$stage
    mkdir -p "$dir"; cp "$input" "$dir/db"
    extra=(); [ $stage = report ] && extra=(--out "$work/$build/reports")
    "$binary" "${args[@]}" "${extra[@]}" --now "$now" --db "$dir/db" 2>"$dir/stderr" | sed "s#$work/$build#OUT#g" >"$dir/stdout"
    dump "$dir/db" "$dir/rows"
  done
  if diff -rq "$work/old/$stage" "$work/new/$stage" --exclude=db >/dev/null; then echo "$stage: same outputs"
  else echo "$stage: DIFFERENT (diff -r $work/old/$stage $work/new/$stage)"; status=1; fi
  input=$work/old/$stage/db
done
if diff -rq "$work/old/reports" "$work/new/reports" >/dev/null; then echo "report files: same"
else echo "report files: DIFFERENT (diff -r $work/old/reports $work/new/reports)"; status=1; fi
exit $status
