#!/usr/bin/env bash
# Loader throughput: loads N generated instrument records (one chunk) from local files into a local OpenSearch
# 2.19.6 node (512 MB heap, one shard, no replicas, refresh off, explicit mapping) with the real loader, and
# prints one JSON line per repetition: docs/s, the loader's CPU seconds and its peak heap.
#
# Usage: bench/loader.sh [records (1000000)] [repeats (3)] [in-flight requests (2)] [bulk MB (5)]
#   LOADER_HEAP (default 256m) sets the loader JVM's -Xmx.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/ingest-benchmarks/target/benchmarks.jar"
MVN="$ROOT/mvnw"; [ -x "$MVN" ] || MVN=mvn
if [ "${NO_BUILD:-0}" != 1 ]; then
  "$MVN" -B -q -f "$ROOT/pom.xml" -pl ingest-benchmarks -am -DskipTests package >&2
fi
echo "{\"nproc\":$(nproc),\"jvm\":\"$(java -version 2>&1 | head -1 | sed 's/"/\\"/g')\",\"loadAverage\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
cd "$ROOT"
exec java -Xmx"${LOADER_HEAP:-256m}" -cp "$JAR" -Dbench.logs="$ROOT/ingest-benchmarks/target/loader-bench" \
  dev.refdata.ingest.benchmarks.LoaderBenchmark "${1:-1000000}" "${2:-3}" "${3:-2}" "${4:-5}"
