#!/usr/bin/env bash
# Verification alone: plans and loads N generated instrument records (2 % updates, 0.5 % older versions, 0.5 %
# deletes, 64 MB chunks) into an in-memory index, then times VerifyRunService over the run and prints one JSON line
# per verification: wall seconds and the process's CPU seconds (the first repetition is a cold JVM).
#
# Usage: bench/verify.sh [records (1000000)] [repeats (3)]
#   VERIFY_HEAP (default 3g) sets the JVM's -Xmx (the in-memory index holds every document).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/ingest-benchmarks/target/benchmarks.jar"
MVN="$ROOT/mvnw"; [ -x "$MVN" ] || MVN=mvn
if [ "${NO_BUILD:-0}" != 1 ]; then
  "$MVN" -B -q -f "$ROOT/pom.xml" -pl ingest-benchmarks -am -DskipTests package >&2
fi
echo "{\"nproc\":$(nproc),\"jvm\":\"$(java -version 2>&1 | head -1 | sed 's/"/\\"/g')\",\"loadAverage\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
cd "$ROOT"
exec java -Xmx"${VERIFY_HEAP:-3g}" -cp "$JAR" dev.refdata.ingest.benchmarks.VerifyBenchmark "${1:-1000000}" "${2:-3}"
