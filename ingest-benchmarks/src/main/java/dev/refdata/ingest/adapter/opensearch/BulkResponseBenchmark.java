package dev.refdata.ingest.adapter.opensearch;

import dev.refdata.ingest.benchmarks.CpuTime;
import dev.refdata.ingest.core.port.out.SearchSink.BulkResult;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Reading a {@code _bulk} response as the sink does ({@link BulkResponseParser}, no tree). Two shapes:
 * {@code full}, a realistic 5,000-item full response as OpenSearch 2.19 writes it for external-version index
 * actions, with about 1 % version conflicts (409), 0.2 % mapping failures (400) and 0.2 % rejections (429) among
 * the created items (read by Jackson's streaming parser); {@code filtered}, the response the loader gets for a
 * bulk that all succeeded with its {@code filter_path} (read by the compact scan). The benchmark sits in the
 * adapter's package because the parser is package-private. Auxiliary counter: items/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Benchmark)
public class BulkResponseBenchmark {

    @Param("5000")
    public int items;

    @Param({"full", "filtered"})
    public String shape;

    private byte[] response;

    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Volume {
        public long bulkItems;
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bulkItems = 0;
            bytes = 0;
        }
    }

    @Setup(Level.Trial)
    public void build() throws Exception {
        if (shape.equals("filtered")) {
            StringBuilder b = new StringBuilder("{\"took\":1873,\"errors\":false,\"items\":[");
            for (int i = 0; i < items; i++) {
                b.append(i > 0 ? "," : "").append("{\"index\":{\"status\":201}}");
            }
            response = b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
            if (parse().items().size() != items || BulkResponseParser.readCompact(response, response.length) == null) {
                throw new IllegalStateException("the filtered response does not read back as built");
            }
            return;
        }
        StringBuilder b = new StringBuilder("{\"took\":1873,\"errors\":true,\"items\":[");
        String index = "instruments-20261127-4f1c2a9b";
        for (int i = 0; i < items; i++) {
            if (i > 0) {
                b.append(',');
            }
            String id = String.format(Locale.ROOT, "XS%010d", 1_000_000L + i * 7L);
            if (i % 100 == 37) {
                b.append("{\"index\":{\"_index\":\"").append(index).append("\",\"_id\":\"").append(id)
                        .append("\",\"status\":409,\"error\":{\"type\":\"version_conflict_engine_exception\","
                                + "\"reason\":\"[").append(id).append("]: version conflict, current version "
                                + "[1764201600000] is higher or equal to the one provided [1764115200000]\","
                                + "\"index\":\"").append(index).append("\",\"shard\":\"0\",\"index_uuid\":"
                                + "\"Vq2mX0eYQyK3m1e4k7dN8A\"}}}");
            } else if (i % 500 == 211) {
                b.append("{\"index\":{\"_index\":\"").append(index).append("\",\"_id\":\"").append(id)
                        .append("\",\"status\":400,\"error\":{\"type\":\"mapper_parsing_exception\",\"reason\":"
                                + "\"failed to parse field [issue_date] of type [date] in document with id '")
                        .append(id).append("'. Preview of field's value: '2026-13-45'\",\"caused_by\":{\"type\":"
                                + "\"illegal_argument_exception\",\"reason\":\"failed to parse date field "
                                + "[2026-13-45] with format [strict_date_optional_time||epoch_millis]\"}}}}");
            } else if (i % 500 == 419) {
                b.append("{\"index\":{\"_index\":\"").append(index).append("\",\"_id\":\"").append(id)
                        .append("\",\"status\":429,\"error\":{\"type\":\"es_rejected_execution_exception\","
                                + "\"reason\":\"rejected execution of coordinating operation [shard_detail="
                                + "[instruments][0][P], shard_coordinating_and_primary_bytes=0, "
                                + "shard_operation_bytes=98915, shard_max_coordinating_and_primary_bytes=0]\"}}}");
            } else {
                b.append("{\"index\":{\"_index\":\"").append(index).append("\",\"_id\":\"").append(id)
                        .append("\",\"_version\":1764201600000,\"result\":\"created\",\"_shards\":{\"total\":1,"
                                + "\"successful\":1,\"failed\":0},\"_seq_no\":").append(i)
                        .append(",\"_primary_term\":1,\"status\":201}}");
            }
        }
        b.append("]}");
        response = b.toString().getBytes(StandardCharsets.UTF_8);
        BulkResult parsed = parse();
        long failed = parsed.items().stream().filter(r -> !r.succeeded()).count();
        System.out.println();
        System.out.printf(Locale.ROOT, "# %,d-byte response, %,d items, %,d failed%n", response.length,
                parsed.items().size(), failed);
        if (parsed.items().size() != items || failed == 0) {
            throw new IllegalStateException("the response does not read back as built");
        }
    }

    private BulkResult parse() throws IOException, MalformedBulkResponseException {
        return BulkResponseParser.parse(new ByteArrayInputStream(response));
    }

    @Benchmark
    public BulkResult parseResponse(Volume volume, CpuTime cpu) throws Exception {
        long c0 = cpu.now();
        BulkResult result = parse();
        cpu.add(c0, result.items().size(), response.length);
        volume.bulkItems += result.items().size();
        volume.bytes += response.length;
        return result;
    }
}
