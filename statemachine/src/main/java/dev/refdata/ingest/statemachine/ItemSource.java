package dev.refdata.ingest.statemachine;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The object store a Distributed Map reads its items from ({@code ItemReader} with {@code arn:aws:states:::s3:getObject}
 * and {@code ReaderConfig.InputType: JSON}) and writes its results to ({@code ResultWriter}).
 */
public interface ItemSource {

    /** The JSON document stored under bucket/key; implementations throw an unchecked exception when it is absent. */
    JsonNode read(String bucket, String key);

    void write(String bucket, String key, byte[] content);
}
