package dev.refdata.ingest.core.port.out;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** What runs need from the search cluster besides bulk writes: indices, aliases, counts and lookups. */
public interface IndexAdmin {

    boolean indexExists(String index);

    /** Creates an index from a create-index body (settings and explicit mapping). */
    void createIndex(String index, String body);

    /** The indices the alias points to (empty when the alias does not exist). */
    Set<String> aliasTargets(String alias);

    /**
     * Points {@code alias} at {@code index} and away from {@code previous}, in one atomic {@code _aliases}
     * request: readers never see the alias missing or pointing at both.
     */
    void swapAlias(String alias, String index, Set<String> previous);

    /** Indices whose names start with {@code prefix}. */
    List<String> indicesStartingWith(String prefix);

    /** Deletes the index; {@code false} if there was no such index. */
    boolean deleteIndex(String index);

    void refresh(String index);

    /** Sets replicas and the refresh interval (e.g. {@code "1s"}, or {@code "-1"} for none) of an index. */
    void updateSettings(String index, int replicas, String refreshInterval);

    long count(String index);

    /** Documents whose {@code field} (a keyword) equals {@code value}. */
    long countWhere(String index, String field, String value);

    /** The {@code _source} JSON of each id that exists, by id ({@code _mget}). */
    Map<String, String> sources(String index, List<String> ids);
}
