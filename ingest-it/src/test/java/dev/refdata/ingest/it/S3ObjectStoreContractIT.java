package dev.refdata.ingest.it;

import dev.refdata.ingest.adapter.contract.ObjectStoreContract;
import dev.refdata.ingest.adapter.s3.S3ObjectStores;
import dev.refdata.ingest.core.port.out.ObjectStore;
import dev.refdata.ingest.it.support.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.UUID;

/** The S3 adapter passes the same {@link ObjectStoreContract} as the local-file store, on a real S3 API. */
class S3ObjectStoreContractIT extends ObjectStoreContract {

    private static S3Client s3;
    private static ObjectStore store;
    private static String bucket;

    @BeforeAll
    static void createBucket() {
        s3 = TestServices.endpoints().newS3Client();
        store = S3ObjectStores.of(s3);
        bucket = "object-store-contract-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(b -> b.bucket(bucket));
    }

    @AfterAll
    static void closeClient() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Override
    protected ObjectStore store() {
        return store;
    }

    @Override
    protected String bucket() {
        return bucket;
    }
}
