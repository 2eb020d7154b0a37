package dev.refdata.ingest.core.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The index-admin fake over the documents a {@link FakeSearchIndex} holds: counts and multi-gets answer from what
 * the loader wrote, and every multi-get's ids are noted (sorted) in {@link #fetched}.
 */
public final class IndexOverDocuments extends FakeIndexAdmin {

    /** The ids of each multi-get, sorted, in the order they were asked for. */
    public final List<List<String>> fetched = Collections.synchronizedList(new ArrayList<>());
    /** Refreshes and counts as they were asked for and answered, in order, with what else a test notes here. */
    public final List<String> events = Collections.synchronizedList(new ArrayList<>());
    /** Open once a refresh has been asked for. */
    public final CountDownLatch refreshAsked = new CountDownLatch(1);
    private final FakeSearchIndex documents;

    public IndexOverDocuments(FakeSearchIndex documents) {
        this.documents = documents;
    }

    @Override
    public void refresh(String index) {
        events.add("refresh asked");
        refreshAsked.countDown();
        events.add("refreshed");
    }

    @Override
    public long count(String index) {
        events.add("count");
        return documents.documents.size();
    }

    @Override
    public long countWhere(String index, String field, String value) {
        return documents.documents.values().stream()
                .filter(d -> d.source().at("/" + field.replace('.', '/')).asText().equals(value)).count();
    }

    @Override
    public Map<String, String> sources(String index, List<String> ids) {
        fetched.add(ids.stream().sorted().toList());
        return documents.sourcesOf(ids);
    }
}
