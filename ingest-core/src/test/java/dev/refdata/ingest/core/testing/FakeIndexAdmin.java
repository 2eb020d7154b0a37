package dev.refdata.ingest.core.testing;

import dev.refdata.ingest.core.port.out.IndexAdmin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** A small fake of the index-admin port: indices with their creation bodies and settings, and aliases. */
public class FakeIndexAdmin implements IndexAdmin {

    public record Index(String body, int replicas, String refreshInterval, Map<String, String> documents) {
    }

    public final Map<String, Index> indices = new TreeMap<>();
    public final Map<String, Set<String>> aliases = new HashMap<>();
    public final List<String> swaps = new ArrayList<>();

    @Override
    public boolean indexExists(String index) {
        return indices.containsKey(index);
    }

    @Override
    public void createIndex(String index, String body) {
        if (indices.containsKey(index)) {
            throw new IllegalStateException("index " + index + " exists");
        }
        int replicas = body.contains("\"number_of_replicas\":0") ? 0 : 1;
        String refresh = body.contains("\"refresh_interval\":\"-1\"") ? "-1" : "1s";
        indices.put(index, new Index(body, replicas, refresh, new LinkedHashMap<>()));
    }

    @Override
    public Set<String> aliasTargets(String alias) {
        return Set.copyOf(aliases.getOrDefault(alias, Set.of()));
    }

    @Override
    public void swapAlias(String alias, String index, Set<String> previous) {
        Set<String> targets = new HashSet<>(aliases.getOrDefault(alias, Set.of()));
        targets.removeAll(previous);
        targets.add(index);
        aliases.put(alias, targets);
        swaps.add(alias + "->" + index);
    }

    @Override
    public List<String> indicesStartingWith(String prefix) {
        return indices.keySet().stream().filter(i -> i.startsWith(prefix)).toList();
    }

    @Override
    public boolean deleteIndex(String index) {
        aliases.values().forEach(t -> t.remove(index));
        return indices.remove(index) != null;
    }

    @Override
    public void refresh(String index) {
    }

    @Override
    public void updateSettings(String index, int replicas, String refreshInterval) {
        Index i = indices.get(index);
        indices.put(index, new Index(i.body(), replicas, refreshInterval, i.documents()));
    }

    @Override
    public long count(String index) {
        return indices.get(index).documents().size();
    }

    @Override
    public long countWhere(String index, String field, String value) {
        return indices.get(index).documents().values().stream().filter(d -> d.contains("\"" + value + "\"")).count();
    }

    @Override
    public Map<String, String> sources(String index, List<String> ids) {
        Map<String, String> out = new HashMap<>();
        for (String id : ids) {
            String doc = indices.get(index).documents().get(id);
            if (doc != null) {
                out.put(id, doc);
            }
        }
        return out;
    }
}
