package dev.refdata.ingest.it.faults;

import dev.refdata.ingest.adapter.s3.S3ObjectStores;
import dev.refdata.ingest.core.domain.ByteRange;
import dev.refdata.ingest.core.domain.ObjectInfo;
import dev.refdata.ingest.core.domain.ObjectRef;
import dev.refdata.ingest.core.load.LoadChunkService;
import dev.refdata.ingest.core.port.in.PlanRunResult;
import dev.refdata.ingest.core.port.in.VerifyRunResult;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.sample.SampleOptions;
import dev.refdata.ingest.it.lifecycle.RunDriver;
import dev.refdata.ingest.it.lifecycle.RunDriver.ChunkLoad;
import dev.refdata.ingest.it.lifecycle.RunDriver.Loading;
import dev.refdata.ingest.it.support.PipelineFixture;
import dev.refdata.ingest.it.support.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fault 4: the S3 response stream is cut in the middle of a chunk (the proxy in front of S3 resets the connection
 * after a number of bytes). The loader opens a new ranged GET from the last byte it consumed, reads every record
 * once, and the run ends exact. (LoadChunkIT and the ResumingRangeStream unit tests cover the reader; this is the
 * real S3 client on a really broken connection.)
 */
class BrokenS3StreamIT {

    private static final int RECORDS = 20_000;
    private static final long CUT_AFTER_BYTES = 700_000;

    private static FaultPipeline pipeline;
    private static PipelineFixture fixture;

    @BeforeAll
    static void services() {
        pipeline = FaultPipeline.create("brokens3");
        fixture = pipeline.fixture();
    }

    @AfterAll
    static void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /** One ranged read the loader opened, and how many of its bytes the loader consumed. */
    private record RangedRead(ByteRange range, AtomicLong consumed) {
    }

    /** The S3 object store, with every ranged read it opens recorded. */
    private record RecordingObjectStore(ObjectStore s3, List<RangedRead> reads) implements ObjectStore {

        @Override
        public ObjectInfo describe(ObjectRef ref) {
            return s3.describe(ref);
        }

        @Override
        public InputStream openRange(ObjectRef ref, ByteRange range) {
            RangedRead read = new RangedRead(range, new AtomicLong());
            reads.add(read);
            return new FilterInputStream(s3.openRange(ref, range)) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        read.consumed().incrementAndGet();
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = super.read(buffer, offset, length);
                    if (n > 0) {
                        read.consumed().addAndGet(n);
                    }
                    return n;
                }
            };
        }

        @Override
        public Stream<ObjectInfo> list(String bucket, String prefix) {
            return s3.list(bucket, prefix);
        }

        @Override
        public void put(ObjectRef ref, byte[] content, String contentType) {
            s3.put(ref, content, contentType);
        }

        @Override
        public ObjectUpload startUpload(ObjectRef ref, String contentType) {
            return s3.startUpload(ref, contentType);
        }
    }

    @Test
    void aResponseCutMidChunkIsResumedByARangedReadFromTheLastByteConsumedAndTheRunIsExact() {
        String key = "broken/instruments.csv";
        byte[] csv = pipeline.upload(key, SampleOptions.builder().records(RECORDS).seed(41).build());
        assertThat((long) csv.length).as("the file is longer than the cut").isGreaterThan(2 * CUT_AFTER_BYTES);
        ExactIndex.Expected expected = ExactIndex.of(csv, fixture.datasets().get(pipeline.dataset()));
        List<RangedRead> reads = new CopyOnWriteArrayList<>();
        try (FaultInjectingProxy proxy = FaultInjectingProxy.to(TestServices.endpoints().s3Endpoint());
             S3Client s3 = S3ObjectStores.createClient(TestServices.endpoints().s3ClientSettings()
                     .withEndpointOverride(proxy.uri()))) {
            LoadChunkService loader = new LoadChunkService(new RecordingObjectStore(S3ObjectStores.of(s3), reads),
                    fixture.ledger(), fixture.search().sink(), fixture.datasets(), FaultPipeline.smallSteps(),
                    Clock.systemUTC());
            try (RunDriver driver = pipeline.driver(loader, 1)) {
                PlanRunResult planned = driver.plan(pipeline.fullRun(key, 64L << 20));
                assertThat(planned.chunkCount()).isEqualTo(1);
                proxy.cutNextResponseAfter(CUT_AFTER_BYTES);

                Loading loading = driver.load(planned);

                assertThat(loading.failed()).isEmpty();
                assertThat(proxy.cutResponses()).as("the response was really cut").isEqualTo(1);
                assertThat(reads).as("one ranged read, and one resuming it").hasSize(2);
                RangedRead broken = reads.get(0);
                RangedRead resumed = reads.get(1);
                assertThat(broken.consumed().get()).isPositive().isLessThan(broken.range().length());
                assertThat(resumed.range().start()).as("the resumed GET starts at the last byte consumed")
                        .isEqualTo(broken.range().start() + broken.consumed().get());
                assertThat(resumed.range().end()).isEqualTo(broken.range().end());
                assertThat(resumed.consumed().get()).as("the rest, once")
                        .isEqualTo(broken.range().length() - broken.consumed().get());
                ChunkLoad chunk = loading.chunks().get(0);
                assertThat(chunk.calls()).hasSize(1);
                assertThat(chunk.readByAllCalls()).as("every record read once").isEqualTo(RECORDS);

                VerifyRunResult verified = pipeline.verify(driver, planned);
                assertThat(verified.succeeded()).as("%s", verified.reason()).isTrue();
                ExactIndex.assertReportAccounts(fixture.objects(), verified.report(), expected);
                ExactIndex.assertExact(TestServices.endpoints().openSearchUrl(), planned.alias(), expected);
            }
        }
    }
}
