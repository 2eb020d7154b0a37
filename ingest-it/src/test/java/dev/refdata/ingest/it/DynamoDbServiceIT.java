package dev.refdata.ingest.it;

import dev.refdata.ingest.it.support.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The DynamoDB behaviour the run store relies on, against a real DynamoDB API (dynalite by default, LocalStack
 * with INGEST_IT_TARGET=localstack): on-demand tables, conditional writes, queries by partition key, batch writes.
 */
class DynamoDbServiceIT {

    private static DynamoDbClient dynamo;
    private static String table;

    @BeforeAll
    static void createTable() {
        dynamo = TestServices.endpoints().newDynamoDbClient();
        table = "runs-it-" + UUID.randomUUID().toString().substring(0, 8);
        dynamo.createTable(b -> b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build())
                .keySchema(
                        KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build()));
        try (DynamoDbWaiter waiter = DynamoDbWaiter.builder()
                .client(dynamo)
                .overrideConfiguration(WaiterOverrideConfiguration.builder()
                        .backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(Duration.ofMillis(100)))
                        .maxAttempts(300)
                        .build())
                .build()) {
            waiter.waitUntilTableExists(b -> b.tableName(table));
        }
    }

    @AfterAll
    static void dropTable() {
        if (dynamo != null) {
            dynamo.deleteTable(b -> b.tableName(table));
            dynamo.close();
        }
    }

    @Test
    void theTableIsOnDemandAndActive() {
        var description = dynamo.describeTable(b -> b.tableName(table)).table();

        assertThat(description.tableStatus()).isEqualTo(TableStatus.ACTIVE);
        assertThat(description.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
    }

    @Test
    void aConditionalPutSucceedsOnceAndThenFailsTheCondition() {
        Map<String, AttributeValue> run = item("run#2026-11-27", "meta", "state", "STARTED");

        dynamo.putItem(b -> b.tableName(table).item(run).conditionExpression("attribute_not_exists(pk)"));

        Map<String, AttributeValue> again = item("run#2026-11-27", "meta", "state", "SECOND");
        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName(table).item(again)
                .conditionExpression("attribute_not_exists(pk)")))
                .isInstanceOf(ConditionalCheckFailedException.class);
        assertThat(dynamo.getItem(b -> b.tableName(table).key(key("run#2026-11-27", "meta")).consistentRead(true))
                .item().get("state").s())
                .as("the first write stays")
                .isEqualTo("STARTED");
    }

    @Test
    void aQueryByPartitionKeyReturnsThatPartitionInSortKeyOrder() {
        for (String sk : List.of("chunk#0003", "chunk#0001", "chunk#0002")) {
            dynamo.putItem(b -> b.tableName(table).item(item("run#query", sk, "state", "PENDING")));
        }
        dynamo.putItem(b -> b.tableName(table).item(item("run#other", "chunk#0001", "state", "PENDING")));

        QueryResponse response = dynamo.query(b -> b.tableName(table)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :chunk)")
                .expressionAttributeValues(Map.of(
                        ":pk", AttributeValue.fromS("run#query"),
                        ":chunk", AttributeValue.fromS("chunk#")))
                .consistentRead(true));

        assertThat(response.items()).extracting(i -> i.get("sk").s())
                .containsExactly("chunk#0001", "chunk#0002", "chunk#0003");
    }

    @Test
    void aBatchWriteStoresEveryItem() {
        List<WriteRequest> writes = IntStream.range(0, 25) // BatchWriteItem's maximum
                .mapToObj(i -> WriteRequest.builder()
                        .putRequest(p -> p.item(item("run#batch", "chunk#%04d".formatted(i), "state", "PENDING")))
                        .build())
                .toList();

        Map<String, List<WriteRequest>> pending = Map.of(table, writes);
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            assertThat(attempt).as("attempts to drain unprocessed items").isLessThan(10);
            Map<String, List<WriteRequest>> request = pending;
            pending = dynamo.batchWriteItem(b -> b.requestItems(request)).unprocessedItems();
        }

        QueryResponse response = dynamo.query(b -> b.tableName(table)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("run#batch")))
                .consistentRead(true));
        assertThat(response.count()).isEqualTo(25);
        assertThat(response.items()).extracting(i -> i.get("sk").s())
                .containsExactlyElementsOf(IntStream.range(0, 25).mapToObj("chunk#%04d"::formatted).toList());
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk));
    }

    private static Map<String, AttributeValue> item(String pk, String sk, String attribute, String value) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk),
                attribute, AttributeValue.fromS(value));
    }
}
