package dev.refdata.ingest.it.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.adapter.dynamodb.DynamoDbRunStore;
import dev.refdata.ingest.adapter.opensearch.OpenSearchClientSettings;
import dev.refdata.ingest.adapter.opensearch.OpenSearchHttpClient;
import dev.refdata.ingest.adapter.opensearch.OpenSearchSinks;
import dev.refdata.ingest.adapter.s3.S3ObjectStores;
import dev.refdata.ingest.core.port.out.ChunkLedger;
import dev.refdata.ingest.core.port.out.IndexAdmin;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.core.port.out.RunStore;
import dev.refdata.ingest.core.spec.DatasetCatalog;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A whole pipeline's worth of places of its own on the shared test services: a feeds bucket, an artifacts bucket,
 * a run table, and datasets that are the built-in instruments spec under other names and aliases, so that a test
 * class's runs, indices and aliases never meet another's. {@link #close()} removes all of it.
 */
public final class PipelineFixture implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String indexPrefix;
    private final String feeds;
    private final String artifacts;
    private final String table;
    private final S3Client s3;
    private final DynamoDbClient dynamo;
    private final OpenSearchHttpClient search;
    private final ObjectStore objects;
    private final DatasetCatalog datasets;
    private final Path specsDirectory;

    private PipelineFixture(String indexPrefix, String feeds, String artifacts, String table, List<String> datasetNames)
            throws IOException {
        this.indexPrefix = indexPrefix;
        this.feeds = feeds;
        this.artifacts = artifacts;
        this.table = table;
        ServiceEndpoints services = TestServices.endpoints();
        this.s3 = services.newS3Client();
        s3.createBucket(b -> b.bucket(feeds));
        s3.createBucket(b -> b.bucket(artifacts));
        this.objects = S3ObjectStores.of(s3);
        this.dynamo = services.newDynamoDbClient();
        DynamoDbRunStore.createTable(dynamo, table);
        this.search = OpenSearchSinks.create(OpenSearchClientSettings.builder(services.openSearchUrl()).build());
        Path specs = Files.createTempDirectory("pipeline-specs");
        for (String name : datasetNames) {
            writeSpec(specs, name);
        }
        this.datasets = DatasetCatalog.withDirectory(specs);
        this.specsDirectory = specs;
    }

    /**
     * @param indexPrefix  every dataset name starts with it, so every index and alias the tests make does too
     * @param datasetNames datasets to create: the instruments spec with this name and alias
     */
    public static PipelineFixture create(String indexPrefix, String feeds, String artifacts, String table,
                                         List<String> datasetNames) {
        for (String name : datasetNames) {
            if (!name.startsWith(indexPrefix)) {
                throw new IllegalArgumentException("dataset '" + name + "' does not start with '" + indexPrefix + "'");
            }
        }
        try {
            return new PipelineFixture(indexPrefix, feeds, artifacts, table, datasetNames);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeSpec(Path directory, String name) throws IOException {
        ObjectNode spec;
        try (InputStream in = DatasetCatalog.class.getClassLoader().getResourceAsStream("datasets/instruments.json")) {
            spec = (ObjectNode) JSON.readTree(in);
        }
        spec.put("name", name);
        ((ObjectNode) spec.get("index")).put("alias", name);
        Files.write(directory.resolve(name + ".json"), JSON.writeValueAsBytes(spec));
    }

    public S3Client s3() {
        return s3;
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public OpenSearchHttpClient search() {
        return search;
    }

    public ObjectStore objects() {
        return objects;
    }

    public RunStore runs() {
        return DynamoDbRunStore.runStore(dynamo, table);
    }

    public ChunkLedger ledger() {
        return DynamoDbRunStore.chunkLedger(dynamo, table);
    }

    public IndexAdmin indices() {
        return search.admin();
    }

    public DatasetCatalog datasets() {
        return datasets;
    }

    /** The directory the dataset specs were written to, for a loader in another process. */
    public Path specsDirectory() {
        return specsDirectory;
    }

    public String feeds() {
        return feeds;
    }

    public String artifacts() {
        return artifacts;
    }

    /** Deletes the indices, the objects and the table, then closes the clients. */
    @Override
    public void close() {
        try {
            for (String index : search.admin().indicesStartingWith(indexPrefix)) {
                search.admin().deleteIndex(index);
            }
            for (String bucket : List.of(feeds, artifacts)) {
                s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()
                        .forEach(o -> s3.deleteObject(d -> d.bucket(bucket).key(o.key())));
            }
            dynamo.deleteTable(b -> b.tableName(table));
        } finally {
            search.close();
            s3.close();
            dynamo.close();
        }
    }
}
