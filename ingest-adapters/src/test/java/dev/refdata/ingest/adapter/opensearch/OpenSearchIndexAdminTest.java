package dev.refdata.ingest.adapter.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refdata.ingest.adapter.opensearch.FakeHttpPeer.Received;
import dev.refdata.ingest.adapter.opensearch.FakeHttpPeer.Reply;
import dev.refdata.ingest.core.port.out.IndexAdmin;
import dev.refdata.ingest.core.port.out.SearchSink.SearchSinkException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The index admin against a fake network peer: the requests it sends, how it reads answers, what failures say. */
class OpenSearchIndexAdminTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACKNOWLEDGED = "{\"acknowledged\":true}";

    @Nested
    class SwappingAnAlias {

        @Test
        void isOneAliasesRequestThatAddsTheNewIndexAndRemovesEachPreviousOne() {
            try (FakeHttpPeer peer = FakeHttpPeer.answering(200, ACKNOWLEDGED);
                 OpenSearchHttpClient client = client(peer)) {

                client.admin().swapAlias("instruments", "instruments-20250102",
                        Set.of("instruments-20250101", "instruments-20241231"));

                assertThat(peer.received()).hasSize(1);
                Received request = peer.last();
                assertThat(request.method()).isEqualTo("POST");
                assertThat(request.path()).isEqualTo("/_aliases");
                assertThat(request.header("Content-Type")).startsWith("application/json");
                assertThat(json(request)).isEqualTo(json("""
                        {"actions":[
                          {"add":{"index":"instruments-20250102","alias":"instruments"}},
                          {"remove":{"index":"instruments-20241231","alias":"instruments"}},
                          {"remove":{"index":"instruments-20250101","alias":"instruments"}}]}"""));
            }
        }

        @Test
        void withoutPreviousIndicesOnlyAdds() {
            try (FakeHttpPeer peer = FakeHttpPeer.answering(200, ACKNOWLEDGED);
                 OpenSearchHttpClient client = client(peer)) {

                client.admin().swapAlias("instruments", "instruments-20250101", Set.of());

                assertThat(json(peer.last())).isEqualTo(json("""
                        {"actions":[{"add":{"index":"instruments-20250101","alias":"instruments"}}]}"""));
            }
        }

        @Test
        void theNewIndexAmongThePreviousOnesKeepsTheAlias() {
            try (FakeHttpPeer peer = FakeHttpPeer.answering(200, ACKNOWLEDGED);
                 OpenSearchHttpClient client = client(peer)) {

                client.admin().swapAlias("instruments", "instruments-20250102",
                        Set.of("instruments-20250102", "instruments-20250101"));

                assertThat(json(peer.last())).isEqualTo(json("""
                        {"actions":[
                          {"add":{"index":"instruments-20250102","alias":"instruments"}},
                          {"remove":{"index":"instruments-20250101","alias":"instruments"}}]}"""));
            }
        }

        @Test
        void anAliasNamedLikeAnExistingIndexFailsSayingSo() {
            String refused = """
                    {"error":{"root_cause":[{"type":"invalid_alias_name_exception","reason":"Invalid alias name \
                    [instruments], an index exists with the same name as the alias","index":"instruments"}],\
                    "type":"invalid_alias_name_exception","reason":"Invalid alias name [instruments], an index exists \
                    with the same name as the alias","index":"instruments"},"status":400}""";
            String resolved = """
                    {"indices":[{"name":"instruments","attributes":["open"]}],"aliases":[],"data_streams":[]}""";
            try (FakeHttpPeer peer = FakeHttpPeer.start(byPath(Map.of(
                    "/_aliases", Reply.json(400, refused),
                    "/_resolve/index/instruments", Reply.json(200, resolved))));
                 OpenSearchHttpClient client = client(peer)) {

                SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                        () -> client.admin().swapAlias("instruments", "instruments-20250101", Set.of()));

                assertThat(e.status()).isEqualTo(400);
                assertThat(e.retryable()).isFalse();
                assertThat(e.getMessage())
                        .contains("swap alias 'instruments' to index 'instruments-20250101'")
                        .contains("'instruments' is an index, not an alias")
                        .contains("invalid_alias_name_exception: Invalid alias name [instruments], an index exists");
                assertThat(peer.received()).extracting(Received::method, Received::path)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("POST", "/_aliases"),
                                org.assertj.core.groups.Tuple.tuple("GET", "/_resolve/index/instruments"));
            }
        }

        @Test
        void anInvalidAliasNameForAnotherReasonCarriesOnlyTheServersWords() {
            String refused = """
                    {"error":{"type":"invalid_alias_name_exception","reason":"Invalid alias name [Instruments], \
                    must be lowercase"},"status":400}""";
            String resolved = "{\"indices\":[],\"aliases\":[],\"data_streams\":[]}";
            try (FakeHttpPeer peer = FakeHttpPeer.start(byPath(Map.of(
                    "/_aliases", Reply.json(400, refused),
                    "/_resolve/index/Instruments", Reply.json(200, resolved))));
                 OpenSearchHttpClient client = client(peer)) {

                SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                        () -> client.admin().swapAlias("Instruments", "instruments-20250101", Set.of()));

                assertThat(e.status()).isEqualTo(400);
                assertThat(e.getMessage())
                        .contains("swap alias 'Instruments'", "HTTP 400 invalid_alias_name_exception", "must be lowercase")
                        .doesNotContain("is an index");
            }
        }

        @Test
        void aPreviousIndexThatNoLongerExistsFailsTheWholeSwapNamingIt() {
            String missing = """
                    {"error":{"type":"index_not_found_exception","reason":"no such index [instruments-20241231]",\
                    "index":"instruments-20241231"},"status":404}""";
            try (FakeHttpPeer peer = FakeHttpPeer.answering(404, missing);
                 OpenSearchHttpClient client = client(peer)) {

                SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                        () -> client.admin().swapAlias("instruments", "instruments-20250101",
                                Set.of("instruments-20241231")));

                assertThat(e.status()).isEqualTo(404);
                assertThat(e.retryable()).isFalse();
                assertThat(e.getMessage()).contains(
                        "swap alias 'instruments' to index 'instruments-20250101' from [instruments-20241231] at "
                                + peer.url(),
                        "HTTP 404 index_not_found_exception: no such index [instruments-20241231]");
                assertThat(peer.received()).hasSize(1);
            }
        }

        @Test
        void anOverloadedClusterIsRetryable() {
            try (FakeHttpPeer peer = FakeHttpPeer.answering(429,
                    "{\"error\":{\"type\":\"es_rejected_execution_exception\",\"reason\":\"rejected\"},\"status\":429}");
                 OpenSearchHttpClient client = client(peer)) {

                SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                        () -> client.admin().swapAlias("instruments", "instruments-20250101", Set.of()));

                assertThat(e.status()).isEqualTo(429);
                assertThat(e.retryable()).isTrue();
            }
        }

        @Test
        void namesThatCannotBeAnAliasAndItsIndexAreRefusedBeforeSending() {
            try (FakeHttpPeer peer = FakeHttpPeer.answering(200, ACKNOWLEDGED);
                 OpenSearchHttpClient client = client(peer)) {
                IndexAdmin admin = client.admin();

                assertThatThrownBy(() -> admin.swapAlias("instruments", "instruments", Set.of()))
                        .isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> admin.swapAlias("instruments", "instruments-1", Set.of("a/b")))
                        .isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> admin.swapAlias("in struments", "instruments-1", Set.of()))
                        .isInstanceOf(IllegalArgumentException.class);
                assertThat(peer.received()).isEmpty();
            }
        }
    }

    @Nested
    class ListingIndices {

        @Test
        void resolvesThePrefixAsAWildcardOverEveryIndexAndListsOnlyIndicesSortedByName() {
            String resolved = """
                    {"indices":[
                       {"name":"instruments-20250102","attributes":["open"]},
                       {"name":"instruments-20241231","attributes":["closed"]},
                       {"name":"instruments-20250101","aliases":["instruments"],"attributes":["open"]}],
                     "aliases":[{"name":"instruments","indices":["instruments-20250101"]}],
                     "data_streams":[]}""";
            try (FakeHttpPeer peer = FakeHttpPeer.answering(200, resolved);
                 OpenSearchHttpClient client = client(peer)) {

                List<String> indices = client.admin().indicesStartingWith("instruments-");

                assertThat(indices).containsExactly("instruments-20241231", "instruments-20250101",
                        "instruments-20250102");
                Received request = peer.last();
                assertThat(request.method()).isEqualTo("GET");
                assertThat(request.path()).isIn("/_resolve/index/instruments-*", "/_resolve/index/instruments-%2A");
                assertThat(request.query()).isEqualTo("expand_wildcards=all");
            }
        }

        @Test
        void anIndexThatDoesNotStartWithThePrefixIsNotListed() {
            String resolved = """
                    {"indices":[{"name":"instruments-1"},{"name":"other"}],"aliases":[],"data_streams":[]}""";
            try (FakeHttpPeer peer = FakeHttpPeer.answering(200, resolved);
                 OpenSearchHttpClient client = client(peer)) {

                assertThat(client.admin().indicesStartingWith("instruments-")).containsExactly("instruments-1");
            }
        }

        @Test
        void noMatchingIndexIsAnEmptyList() {
            try (FakeHttpPeer peer = FakeHttpPeer.answering(200, "{\"indices\":[],\"aliases\":[],\"data_streams\":[]}");
                 OpenSearchHttpClient client = client(peer)) {

                assertThat(client.admin().indicesStartingWith("instruments-")).isEmpty();
            }
        }

        @ParameterizedTest(name = "prefix \"{0}\"")
        @ValueSource(strings = {"", " ", "instr*", "a,b", "-instruments", "_all", "+x", "remote:instruments", "a/b",
                "what?", "a#b"})
        void aPrefixThatWouldBeADifferentIndexExpressionIsRefusedBeforeSending(String prefix) {
            try (FakeHttpPeer peer = FakeHttpPeer.answering(200, "{\"indices\":[]}");
                 OpenSearchHttpClient client = client(peer)) {

                assertThatThrownBy(() -> client.admin().indicesStartingWith(prefix))
                        .isInstanceOf(IllegalArgumentException.class);
                assertThat(peer.received()).isEmpty();
            }
        }

        @Test
        void aResponseWithoutAnIndicesArrayIsUnreadable() {
            try (FakeHttpPeer peer = FakeHttpPeer.answering(200, "{\"aliases\":[]}");
                 OpenSearchHttpClient client = client(peer)) {

                SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                        () -> client.admin().indicesStartingWith("instruments-"));

                assertThat(e.retryable()).isFalse();
                assertThat(e.getMessage()).contains("list indices named 'instruments-*'", "unreadable response",
                        "no indices array");
            }
        }
    }

    @Nested
    class UpdatingSettings {

        @Test
        void putsReplicasAndRefreshIntervalToTheIndexsSettings() {
            try (FakeHttpPeer peer = FakeHttpPeer.answering(200, ACKNOWLEDGED);
                 OpenSearchHttpClient client = client(peer)) {

                client.admin().updateSettings("instruments-20250101", 1, "1s");

                Received request = peer.last();
                assertThat(request.method()).isEqualTo("PUT");
                assertThat(request.path()).isEqualTo("/instruments-20250101/_settings");
                assertThat(json(request)).isEqualTo(json("""
                        {"index":{"number_of_replicas":1,"refresh_interval":"1s"}}"""));
            }
        }

        @Test
        void aRefusedValueFailsWithTheIndexAndTheServersReason() {
            String refused = """
                    {"error":{"type":"illegal_argument_exception","reason":"failed to parse [soon]"},"status":400}""";
            try (FakeHttpPeer peer = FakeHttpPeer.answering(400, refused);
                 OpenSearchHttpClient client = client(peer)) {

                SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                        () -> client.admin().updateSettings("instruments-20250101", 0, "soon"));

                assertThat(e.status()).isEqualTo(400);
                assertThat(e.retryable()).isFalse();
                assertThat(e.getMessage()).contains("index 'instruments-20250101'",
                        "HTTP 400 illegal_argument_exception: failed to parse [soon]");
            }
        }

        @Test
        void negativeReplicasOrABlankIntervalAreRefusedBeforeSending() {
            try (FakeHttpPeer peer = FakeHttpPeer.answering(200, ACKNOWLEDGED);
                 OpenSearchHttpClient client = client(peer)) {

                assertThatThrownBy(() -> client.admin().updateSettings("instruments", -1, "1s"))
                        .isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> client.admin().updateSettings("instruments", 0, " "))
                        .isInstanceOf(IllegalArgumentException.class);
                assertThat(peer.received()).isEmpty();
            }
        }
    }

    @Nested
    class CountingWhere {

        @Test
        void sendsATermQueryWithTheValueAsAJsonString() {
            String runId = "run \"7\" \\ {\"match_all\":{}}";
            try (FakeHttpPeer peer = FakeHttpPeer.answering(200, """
                    {"count":42,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0}}""");
                 OpenSearchHttpClient client = client(peer)) {

                long count = client.admin().countWhere("instruments-20250101", "ingest.run_id", runId);

                assertThat(count).isEqualTo(42);
                Received request = peer.last();
                assertThat(request.method()).isEqualTo("POST");
                assertThat(request.path()).isEqualTo("/instruments-20250101/_count");
                ObjectNode expected = JSON.createObjectNode();
                expected.putObject("query").putObject("term").put("ingest.run_id", runId);
                assertThat(json(request)).isEqualTo(expected);
            }
        }

        @Test
        void aMissingIndexFailsWithItsName() {
            String missing = """
                    {"error":{"type":"index_not_found_exception","reason":"no such index [instruments-x]"},"status":404}""";
            try (FakeHttpPeer peer = FakeHttpPeer.answering(404, missing);
                 OpenSearchHttpClient client = client(peer)) {

                SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                        () -> client.admin().countWhere("instruments-x", "ingest.run_id", "r1"));

                assertThat(e.status()).isEqualTo(404);
                assertThat(e.getMessage()).contains("in index 'instruments-x'",
                        "HTTP 404 index_not_found_exception: no such index [instruments-x]");
            }
        }

        @Test
        void anAnswerWithoutACountIsUnreadable() {
            try (FakeHttpPeer peer = FakeHttpPeer.answering(200, "{\"hits\":{}}");
                 OpenSearchHttpClient client = client(peer)) {

                SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                        () -> client.admin().countWhere("instruments", "ingest.run_id", "r1"));

                assertThat(e.getMessage()).contains("unreadable response", "no count");
            }
        }
    }

    @Nested
    class GettingSources {

        @Test
        void asksMgetForTheIdsAndReturnsTheStoredSourceOfThoseFoundExactlyAsStored() {
            String response = """
                    {"docs":[
                      {"_index":"instruments-1","_id":"US0378331005","_version":1,"found":true,\
                    "_source":{"isin":"US0378331005","coupon":1.10,"name":"Apple \\"Inc.\\" é"}},
                      {"_index":"instruments-1","_id":"XS0000000000","found":false}]}""";
            try (FakeHttpPeer peer = FakeHttpPeer.answering(200, response);
                 OpenSearchHttpClient client = client(peer)) {

                Map<String, String> sources = client.admin().sources("instruments-1",
                        List.of("US0378331005", "XS0000000000"));

                assertThat(sources).containsOnlyKeys("US0378331005");
                assertThat(sources.get("US0378331005"))
                        .isEqualTo("{\"isin\":\"US0378331005\",\"coupon\":1.10,\"name\":\"Apple \\\"Inc.\\\" é\"}");
                Received request = peer.last();
                assertThat(request.method()).isEqualTo("POST");
                assertThat(request.path()).isEqualTo("/instruments-1/_mget");
                assertThat(json(request)).isEqualTo(json("{\"ids\":[\"US0378331005\",\"XS0000000000\"]}"));
            }
        }

        @Test
        void idsWithCharactersSpecialToUrlsOrJsonTravelInTheBody() {
            List<String> ids = List.of("a/b?c#d", "100%", "say \"hi\"", "back\\slash", "ü€😀", " spaced ");
            try (FakeHttpPeer peer = FakeHttpPeer.start(OpenSearchIndexAdminTest::everyIdFound);
                 OpenSearchHttpClient client = client(peer)) {

                Map<String, String> sources = client.admin().sources("instruments-1", ids);

                assertThat(sources.keySet()).containsExactlyElementsOf(ids);
                assertThat(peer.last().path()).isEqualTo("/instruments-1/_mget");
                assertThat(requestedIds(peer.last())).containsExactlyElementsOf(ids);
                assertThat(json(sources.get("a/b?c#d")).get("id").asText()).isEqualTo("a/b?c#d");
            }
        }

        @Test
        void manyIdsAreAskedForInBatchesOfAThousandAndDuplicatesOnce() {
            List<String> ids = new ArrayList<>(IntStream.range(0, 2_500).mapToObj(i -> "id-" + i).toList());
            ids.addAll(List.of("id-0", "id-1999"));
            try (FakeHttpPeer peer = FakeHttpPeer.start(OpenSearchIndexAdminTest::everyIdFound);
                 OpenSearchHttpClient client = client(peer)) {

                Map<String, String> sources = client.admin().sources("instruments-1", ids);

                assertThat(peer.received()).extracting(request -> requestedIds(request).size())
                        .containsExactly(1_000, 1_000, 500);
                List<String> asked = peer.received().stream().flatMap(r -> requestedIds(r).stream()).toList();
                assertThat(asked).containsExactlyElementsOf(new LinkedHashSet<>(ids));
                assertThat(sources).hasSize(2_500);
                assertThat(List.copyOf(sources.keySet())).isEqualTo(asked);
            }
        }

        @Test
        void noIdsNeedNoRequest() {
            try (FakeHttpPeer peer = FakeHttpPeer.answering(500, "");
                 OpenSearchHttpClient client = client(peer)) {

                assertThat(client.admin().sources("instruments-1", List.of())).isEmpty();
                assertThat(peer.received()).isEmpty();
            }
        }

        @Test
        void aMissingIndexIsANotFoundFailureNamingIt() {
            // _mget answers 200 and reports the missing index for each document
            String response = """
                    {"docs":[{"_index":"instruments-x","_id":"1","error":{"root_cause":[],\
                    "type":"index_not_found_exception","reason":"no such index [instruments-x]"}}]}""";
            try (FakeHttpPeer peer = FakeHttpPeer.answering(200, response);
                 OpenSearchHttpClient client = client(peer)) {

                SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                        () -> client.admin().sources("instruments-x", List.of("1")));

                assertThat(e.status()).isEqualTo(404);
                assertThat(e.retryable()).isFalse();
                assertThat(e.getMessage()).contains("from index 'instruments-x'",
                        "HTTP 404 index_not_found_exception: no such index [instruments-x]");
            }
        }

        @Test
        void aDocumentTheServerCouldNotGetFailsNamingItAndTheServersReason() {
            String response = """
                    {"docs":[{"_index":"instruments","_id":"1","found":false},
                     {"_index":"instruments","_id":"2","error":{"type":"illegal_argument_exception","reason":\
                    "alias [instruments] has more than one index associated with it"}}]}""";
            try (FakeHttpPeer peer = FakeHttpPeer.answering(200, response);
                 OpenSearchHttpClient client = client(peer)) {

                SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                        () -> client.admin().sources("instruments", List.of("1", "2")));

                assertThat(e.retryable()).isFalse();
                assertThat(e.getMessage()).contains("from index 'instruments'", "document '2'",
                        "illegal_argument_exception: alias [instruments] has more than one index");
            }
        }

        @Test
        void anAnswerForADifferentNumberOfDocumentsIsNotTrusted() {
            try (FakeHttpPeer peer = FakeHttpPeer.answering(200,
                    "{\"docs\":[{\"_index\":\"i\",\"_id\":\"1\",\"found\":false}]}");
                 OpenSearchHttpClient client = client(peer)) {

                SearchSinkException e = catchThrowableOfType(SearchSinkException.class,
                        () -> client.admin().sources("i", List.of("1", "2")));

                assertThat(e.getMessage()).contains("unreadable response", "1 documents for 2 ids");
            }
        }

        @Test
        void anEmptyOrNullIdIsRefusedBeforeSending() {
            try (FakeHttpPeer peer = FakeHttpPeer.answering(200, "{\"docs\":[]}");
                 OpenSearchHttpClient client = client(peer)) {
                List<String> withNull = new ArrayList<>();
                withNull.add(null);

                assertThatThrownBy(() -> client.admin().sources("i", List.of("")))
                        .isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> client.admin().sources("i", withNull))
                        .isInstanceOf(NullPointerException.class);
                assertThat(peer.received()).isEmpty();
            }
        }
    }

    /** Answers an {@code _mget} with every id asked for found, its source {@code {"id":<id>}}. */
    private static Reply everyIdFound(Received request) {
        ObjectNode response = JSON.createObjectNode();
        ArrayNode docs = response.putArray("docs");
        for (String id : requestedIds(request)) {
            ObjectNode doc = docs.addObject().put("_index", "instruments-1").put("_id", id).put("found", true);
            doc.putObject("_source").put("id", id);
        }
        return Reply.json(200, response.toString());
    }

    private static List<String> requestedIds(Received request) {
        List<String> ids = new ArrayList<>();
        json(request).get("ids").forEach(id -> ids.add(id.asText()));
        return ids;
    }

    private static Function<Received, Reply> byPath(Map<String, Reply> replies) {
        return request -> replies.getOrDefault(request.path(), Reply.json(500, "{\"error\":\"unexpected request\"}"));
    }

    private static OpenSearchHttpClient client(FakeHttpPeer peer) {
        URI url = peer.url();
        return OpenSearchSinks.create(OpenSearchClientSettings.builder(url).maxConnections(1)
                .responseTimeout(Duration.ofSeconds(10)).build());
    }

    private static JsonNode json(Received request) {
        return json(request.bodyText());
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
