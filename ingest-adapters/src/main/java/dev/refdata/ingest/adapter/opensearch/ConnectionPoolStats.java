package dev.refdata.ingest.adapter.opensearch;

/**
 * A snapshot of the client's connection pool, for diagnostics.
 *
 * @param leased    connections carrying a request right now
 * @param available open connections idle in the pool, ready for reuse
 * @param pending   requests waiting for a connection because {@code max} are leased
 * @param max       the pool's size ({@link OpenSearchClientSettings#maxConnections()})
 * @param opened    connections opened since the client was built; far fewer than requests sent means reuse
 */
public record ConnectionPoolStats(int leased, int available, int pending, int max, long opened) {

    public ConnectionPoolStats {
        if (leased < 0 || available < 0 || pending < 0 || max < 1 || opened < 0) {
            throw new IllegalArgumentException("invalid pool statistics: leased " + leased + ", available "
                    + available + ", pending " + pending + ", max " + max + ", opened " + opened);
        }
    }

    @Override
    public String toString() {
        return "leased " + leased + ", available " + available + ", pending " + pending + ", max " + max
                + ", opened " + opened;
    }
}
