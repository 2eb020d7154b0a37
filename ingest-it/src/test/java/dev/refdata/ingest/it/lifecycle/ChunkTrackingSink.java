package dev.refdata.ingest.it.lifecycle;

import dev.refdata.ingest.core.port.out.SearchSink;
import dev.refdata.ingest.it.lifecycle.RunDriver.ManifestEntry;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real sink, seen from the outside: it works out which chunk of a run each bulk request comes from (by the
 * source object and line the loader writes into every document's {@code ingest} field), counts the items sent per
 * chunk, and can refuse the bulks of chunks from a given number on, as a cluster refuses a request it will never
 * accept (a non-retryable failure).
 */
public final class ChunkTrackingSink implements SearchSink {

    /** Items of bulks whose chunk could not be told (e.g. deletes only), counted under this number. */
    public static final int UNKNOWN_CHUNK = -1;

    private static final String SOURCE = "\"source\":\"";
    private static final String LINE = "\"line\":";

    private final SearchSink delegate;
    private final Map<Integer, AtomicLong> itemsSent = new ConcurrentHashMap<>();
    private volatile List<ManifestEntry> entries = List.of();
    private volatile int refuseFromChunk = Integer.MAX_VALUE;

    public ChunkTrackingSink(SearchSink delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The chunks bulks are attributed to from now on: a plan's manifest entries. */
    public void track(List<ManifestEntry> manifest) {
        this.entries = List.copyOf(manifest);
    }

    /** Refuses every bulk of chunk {@code chunk} and later ones, non-retryably. */
    public void refuseFromChunk(int chunk) {
        this.refuseFromChunk = chunk;
    }

    /** Sends everything again. */
    public void acceptAll() {
        this.refuseFromChunk = Integer.MAX_VALUE;
    }

    /** Items sent (not refused) per chunk since the last {@link #resetCounts()}. */
    public Map<Integer, Long> itemsSentPerChunk() {
        Map<Integer, Long> copy = new TreeMap<>();
        itemsSent.forEach((chunk, n) -> copy.put(chunk, n.get()));
        return copy;
    }

    public void resetCounts() {
        itemsSent.clear();
    }

    @Override
    public BulkResult bulk(String index, BulkBody body) {
        int chunk = chunkOf(body);
        if (chunk != UNKNOWN_CHUNK && chunk >= refuseFromChunk) {
            throw new SearchSinkException(400, false, "bulk of chunk " + chunk + " refused by the test", null);
        }
        itemsSent.computeIfAbsent(chunk, c -> new AtomicLong()).addAndGet(body.items());
        return delegate.bulk(index, body);
    }

    /** The chunk whose object holds the first document's source line: the last chunk starting at or before it. */
    private int chunkOf(BulkBody body) {
        String text = new String(body.bytes(), 0, body.length(), StandardCharsets.UTF_8);
        int s = text.indexOf(SOURCE);
        if (s < 0) {
            return UNKNOWN_CHUNK;
        }
        int sourceEnd = text.indexOf('"', s + SOURCE.length());
        String source = text.substring(s + SOURCE.length(), sourceEnd);
        int l = text.indexOf(LINE, sourceEnd) + LINE.length();
        int lineEnd = l;
        while (lineEnd < text.length() && Character.isDigit(text.charAt(lineEnd))) {
            lineEnd++;
        }
        long line = Long.parseLong(text.substring(l, lineEnd));
        int chunk = UNKNOWN_CHUNK;
        long bestFirstLine = -1;
        for (ManifestEntry e : entries) {
            if (e.object().toString().equals(source) && e.firstLine() <= line && e.firstLine() > bestFirstLine) {
                chunk = e.chunk();
                bestFirstLine = e.firstLine();
            }
        }
        return chunk;
    }
}
