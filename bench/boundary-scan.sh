#!/usr/bin/env bash
# Builds ingest-benchmarks/target/benchmarks.jar and runs the JMH boundary-scan benchmarks (optionally the
# record-reader, conversion and bulk-response ones too), then prints one JSON line per measurement with MB/s,
# records/s or items/s.
#
# Usage: bench/boundary-scan.sh [--record-read | --record-read-only] [--conversion] [--bulk-response] [--all]
#                               [--only-extra] [--file-mb N] [--reader-file-mb N] [--no-build] [-- JMH options...]
#   --record-read        also run RecordReadBenchmark (ChunkRecordReader, records/s)
#   --record-read-only   run only RecordReadBenchmark
#   --conversion         also run ConversionBenchmark (ChunkRecordReader + DocumentConverter into a bulk body, records/s)
#   --bulk-response      also run BulkResponseBenchmark (BulkResponseParser on a 5,000-item response, items/s)
#   --all                all of the above
#   --only-extra         leave the boundary scan out (with --conversion / --bulk-response)
#   --file-mb N          size of the generated CSV for BoundaryScanBenchmark (default 100; MB = 10^6 bytes)
#   --reader-file-mb N   size of the generated CSV for RecordReadBenchmark (default 20)
#   --no-build           use the jar already built
#   -- ...               passed to JMH as is, e.g. -- -prof gc   or   -- -wi 1 -i 3
# JMH's own results go to ingest-benchmarks/target/jmh-*.json. Runnable from any directory.
# Output: "mbPerSecond" (MB = 10^6 bytes) and "recordsPerSecond" with "error"/"recordsError" = JMH's 99.9%
# confidence half-width (null when too few iterations); "fileMB" = bytes scanned per pass; "mbPerCpuSecond",
# "recordsPerCpuSecond", "itemsPerCpuSecond" = the same per second of the benchmark thread's own CPU time
# (what "per core" means on a shared machine, where wall-clock figures fall with other processes' load).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE="$ROOT/ingest-benchmarks"
JAR="$MODULE/target/benchmarks.jar"

run_scan=1
run_reader=0
run_conversion=0
run_bulk=0
file_mb=100
reader_file_mb=20
build=1
jmh_extra=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    --record-read) run_reader=1 ;;
    --record-read-only) run_reader=1; run_scan=0 ;;
    --conversion) run_conversion=1 ;;
    --bulk-response) run_bulk=1 ;;
    --all) run_reader=1; run_conversion=1; run_bulk=1 ;;
    --only-extra) run_scan=0 ;;
    --file-mb) file_mb="${2:?--file-mb needs a value}"; shift ;;
    --reader-file-mb) reader_file_mb="${2:?--reader-file-mb needs a value}"; shift ;;
    --no-build) build=0 ;;
    --) shift; jmh_extra=("$@"); break ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "unknown option: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

if [[ "$build" == 1 ]]; then
  if [[ -x "$ROOT/mvnw" ]]; then MVN="$ROOT/mvnw"; else MVN=mvn; fi
  echo "# building $JAR" >&2
  (cd "$ROOT" && "$MVN" -B -pl ingest-benchmarks -am package -DskipTests -q)
fi
[[ -f "$JAR" ]] || { echo "missing $JAR: build it first (drop --no-build)" >&2; exit 1; }

# Where and on what it ran.
python3 - "$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.vm\.version = //p')" \
  "$("$JAVA" -version 2>&1 | head -n 1)" "$(nproc)" <<'PY'
import json, os, sys
cpu = ""
try:
    with open("/proc/cpuinfo") as f:
        cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
except OSError:
    pass
print(json.dumps({"nproc": int(sys.argv[3]), "jvm": sys.argv[2], "jvmVersion": sys.argv[1], "cpu": cpu,
                  "loadAverage": list(os.getloadavg())}))
PY

run_jmh() {  # name regex, result file, param value
  local pattern="$1" out="$2" mb="$3"
  echo "# running $pattern (fileMB=$mb); JMH log: ${out%.json}.log" >&2
  local params=()
  [[ -n "$mb" ]] && params=(-p "fileMB=$mb")
  "$JAVA" -jar "$JAR" "$pattern" ${params[@]+"${params[@]}"} -rf json -rff "$out" ${jmh_extra[@]+"${jmh_extra[@]}"} \
    > "${out%.json}.log" 2>&1 || { tail -n 40 "${out%.json}.log" >&2; return 1; }
}

summarize() {  # result files...
  python3 - "$@" <<'PY'
import json, math, sys

def num(x):
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) or math.isinf(v) else v

def rnd(v, digits=1):
    return None if v is None else round(v, digits)

for path in sys.argv[1:]:
    with open(path) as f:
        results = json.load(f)
    for r in results:
        name = r["benchmark"].rsplit(".", 1)[-1]
        primary = r["primaryMetric"]          # passes over the file per second
        sec = r.get("secondaryMetrics", {})
        bytes_ = sec.get("bytes", {})         # bytes per second
        recs = sec.get("records", {})         # records per second
        items = sec.get("bulkItems", {})      # bulk response items per second
        ops = num(primary["score"])
        bps = num(bytes_.get("score"))
        line = {"benchmark": name}
        if bps is not None:
            line["mbPerSecond"] = rnd(bps / 1e6)
            err = num(bytes_.get("scoreError"))
            line["error"] = rnd(err / 1e6 if err is not None else None)
        if num(recs.get("score")) is not None:
            line["recordsPerSecond"] = round(num(recs["score"]))
            err = num(recs.get("scoreError"))
            line["recordsError"] = None if err is None else round(err)
        if num(items.get("score")) is not None:
            line["itemsPerSecond"] = round(num(items["score"]))
            err = num(items.get("scoreError"))
            line["itemsError"] = None if err is None else round(err)
        cpu_ns = num(sec.get("cpuNanos", {}).get("score"))
        if cpu_ns:
            cpu_s = cpu_ns / 1e9
            if num(sec.get("cpuBytes", {}).get("score")) is not None:
                line["mbPerCpuSecond"] = rnd(num(sec["cpuBytes"]["score"]) / cpu_s / 1e6)
            if num(sec.get("cpuRecords", {}).get("score")) is not None:
                key = "itemsPerCpuSecond" if name == "parseResponse" else "recordsPerCpuSecond"
                line[key] = round(num(sec["cpuRecords"]["score"]) / cpu_s)
        line["passesPerSecond"] = rnd(ops, 3)
        if ops and bps:
            line["fileMB"] = rnd(bps / ops / 1e6, 2)   # bytes per pass
        line["paramFileMB"] = int(r.get("params", {}).get("fileMB", 0)) or None
        line["iterations"] = r.get("measurementIterations")
        print(json.dumps(line))
PY
}

TARGET="$MODULE/target"
results=()
if [[ "$run_scan" == 1 ]]; then
  run_jmh 'dev\.refdata\.ingest\.benchmarks\.BoundaryScanBenchmark\.' "$TARGET/jmh-boundary-scan.json" "$file_mb"
  results+=("$TARGET/jmh-boundary-scan.json")
fi
if [[ "$run_reader" == 1 ]]; then
  run_jmh 'dev\.refdata\.ingest\.benchmarks\.RecordReadBenchmark\.' "$TARGET/jmh-record-read.json" "$reader_file_mb"
  results+=("$TARGET/jmh-record-read.json")
fi
if [[ "$run_conversion" == 1 ]]; then
  run_jmh 'dev\.refdata\.ingest\.benchmarks\.ConversionBenchmark\.' "$TARGET/jmh-conversion.json" "$reader_file_mb"
  results+=("$TARGET/jmh-conversion.json")
fi
if [[ "$run_bulk" == 1 ]]; then
  run_jmh 'dev\.refdata\.ingest\.adapter\.opensearch\.BulkResponseBenchmark\.' "$TARGET/jmh-bulk-response.json" ""
  results+=("$TARGET/jmh-bulk-response.json")
fi
summarize "${results[@]}"
