#!/usr/bin/env bash
# The pipeline against what the OpenSearch server itself can take, in ONE run on ONE local OpenSearch 2.19.6 node
# (512 MB heap): generates N instrument records as CSV in an in-process S3 server (S3Proxy) and the same records as
# pre-built bulk NDJSON (made by the pipeline's own DocumentConverter), then measures, each into a fresh index
# with the dataset's mapping (one shard, no replicas, refresh off):
#   ceiling   the NDJSON posted with java.net.http (after warm-up passes until two in a row are within 3 %,
#             swept twice, forward and back, over 1-4 requests in flight, 5,000 docs or 5 MiB a request; the
#             best mean is the ceiling)
#   loader    the loader Lambda's handler in its own JVM (-Xmx256m, the template's JVM options) loading the
#             whole file as one chunk from S3
#   fullrun   plan + load (64 MiB chunks, 2 at a time on one service, sharing its 2 requests out, as the CLI's
#             local run does) + verify, in its own JVM (the same options)
# repeated and interleaved (ceiling, loader, full run in rotating order), then the heap of a 10k-record chunk
# and a 100k-record chunk against the big one (each chunk's largest live set, sampled after a full collection
# before every bulk request) and the time from process start to the first bulk request without CDS (-Xshare:off),
# with the JDK's default CDS archive, with an AppCDS archive of the loader, and with the JVM options the SAM
# template deploys the functions with (its JAVA_TOOL_OPTIONS), and the loader handler as the Lambda runtime builds
# it: its no-argument constructor wiring S3, DynamoDB (dynalite, from ingest-it's npm install) and OpenSearch from
# environment variables, with the template's JAVA_TOOL_OPTIONS and JSON logging (the first bulk request is timed by
# a forwarding proxy in front of the node, as this process cannot wrap that handler's client).
# Prints one JSON line per measurement and a final {"summary":true,...} line with medians and ratios. Each
# measurement also says where the machine's CPU went while it ran ("cpu": the OpenSearch node, this harness with
# its in-process S3 server, the measured child, everything else, the hypervisor's steal, idle cores; from /proc),
# and the summary gives their medians by kind ("cpuMedians", with the cores the server had: "serverCores").
# The summary also gives each repetition's ratios with the pipeline's loading charged the server CPU of that
# repetition's ceiling ("ratiosAtTheCeilingsServerCpu"): the server's own CPU for the same documents varies by
# more than the targets' margins; a diagnostic beside the plain ratios (docs/performance.md, tenth round).
#
# Usage: bench/end-to-end.sh [--quick] [--records N] [--repeats N] [--no-sweep] [--no-full-run]
#                            [--ceiling-in-flight 1,2,3,4] [--loader-heap 256m] [--chunk-mb 64]
#                            [--chunk-concurrency 2] [--cold-repeats 3]
#                            [--loader-jvm OPTION]... [--loader-arg key=value]...
#                            [--baseline-jar JAR [--baseline-arg key=value]... [--baseline-jvm OPTION]...
#                             [--baseline-full-run]]
#                            [--full-run-variant key=value[,key=value]...]...
#                            [--ceiling-variant streams=S,inFlight=K]...
#                            [--compare-full-response] [--heap-only] [--heap-repeats N] [--cold-only]
#                            [--default-jit]
#   --quick       200,000 records, 8 MiB chunks for the full run, 2 cold-start repetitions
#   --loader-arg  passed to the pipeline process, e.g. inFlight=3, bulkBytes=8388608, bulkItems=20000, gzip=true,
#                 classHistograms=true (the heap's largest classes at every heap-probe point, in the child's log)
#   --baseline-jar J  also run the loader from another build of benchmarks.jar (e.g. of main) in every
#                 repetition: a before/after comparison in one run (any build of this harness)
#   --baseline-arg key=value  a pipeline-process argument for the baseline only, e.g. inFlight=4 (with
#                 --baseline-jar ingest-benchmarks/target/benchmarks.jar: two settings compared in one run)
#   --baseline-jvm OPTION  a JVM option for the baseline only, e.g. -XX:TieredStopAtLevel=1 (with this build's
#                 jar as the baseline: two JVM settings compared in one run)
#   --baseline-full-run  with --baseline-jar, also the baseline's full run (plan, load, verify) in every
#                 repetition: kind fullrun-baseline, its ratios as baselineFullRun in the summary
#   --full-run-variant key=value,...  also run the full run with these pipeline-process arguments in every
#                 repetition, e.g. chunkConcurrency=1 or inFlight=1 (two full-run settings compared in one run;
#                 repeatable); the summary's "fullRunVariants" gives their ratios
#   --ceiling-variant streams=S,inFlight=K  also post the ceiling's NDJSON, in every repetition, cut into S
#                 consecutive parts sent side by side with K requests out each (as the full run loads its chunks),
#                 in the ceiling's request size; repeatable; the summary's "ceilingVariants" gives their ratios
#   --compare-full-response  also measure, in every repetition, the ceiling asking for the full bulk response
#                 (the ceiling and the loader both ask for the filtered one by default)
#   --heap-only   only the heap probes (small, middle, big chunk; with --baseline-jar the baseline's small and
#                 big too), 3 repetitions: about 4 minutes for 1,000,000 records
#   --cold-only   only the cold-start probes (--cold-repeats of each of the five ways): about 2 minutes
#   --heap-repeats N  repetitions of the heap probes (default 1; 3 with --heap-only); the summary gives the
#                 median of each chunk's figure and every repetition's big/small ratio
#   --no-sweep    no ceiling sweep: 5 MiB requests at the first --ceiling-in-flight
#   --default-jit the pipeline processes (loader, full run, baseline, heap probes) with the JVM's default JIT;
#                 without it they get the JVM options the SAM template deploys the functions with (its
#                 JAVA_TOOL_OPTIONS, C1 only), as the Lambdas run them. The cold-start probes set their own.
#   --loader-jvm  a JVM option for the pipeline processes, after the template's (so it can override them); {child} becomes the process's serial, kind and
#                 repetition, e.g. -XX:StartFlightRecording=filename=/tmp/jfr/{child}.jfr,settings=profile
#   NO_BUILD=1    use the jar already built; BENCH_HEAP sets the harness's own -Xmx (default 2g)
# Default run (1,000,000 records): about 20-25 minutes on a quiet 2-core machine (500,000 records took 12 minutes
# at load 3-8); --quick about 6 minutes. Results: docs/performance.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/ingest-benchmarks/target/benchmarks.jar"
MVN="$ROOT/mvnw"; [ -x "$MVN" ] || MVN=mvn
if [ "${NO_BUILD:-0}" != 1 ]; then
  "$MVN" -B -q -f "$ROOT/pom.xml" -pl ingest-benchmarks -am -DskipTests package >&2
fi
cd "$ROOT"
# dynalite for the cold start of the handler as Lambda builds it (its DynamoDB chunk ledger); without it the
# summary says why that figure is missing
if [ ! -f ingest-it/node_modules/dynalite/cli.js ] && command -v npm >/dev/null; then
  (cd ingest-it && npm ci --no-audit --no-fund >&2) || echo "# npm ci in ingest-it failed: no dynalite" >&2
fi
exec java -Xmx"${BENCH_HEAP:-2g}" -cp "$JAR" -Dbench.logs="$ROOT/ingest-benchmarks/target/end-to-end" \
  dev.refdata.ingest.benchmarks.endtoend.EndToEndBenchmark "$@"
