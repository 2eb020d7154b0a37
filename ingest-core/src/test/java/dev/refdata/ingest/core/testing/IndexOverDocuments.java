package dev.refdata.ingest.core.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The index-admin fake over the documents a {@link FakeSearchIndex} holds: counts and multi-gets answer from what
 * the loader wrote, and every multi-get's ids are noted (sorted) in {@link #fetched}.
 */
public final class IndexOverDocuments extends FakeIndexAdmin {

    /** The ids of each multi-get, sorted, in the order they were asked for. */
    public final List<List<String>> fetched = Collections.synchronizedList(new ArrayList<>());
    private final FakeSearchIndex documents;

    public IndexOverDocuments(FakeSearchIndex documents) {
        this.documents = documents;
    }

    @Override
    public long count(String index) {
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
