package dev.refdata.ingest.benchmarks.endtoend;

import dev.refdata.ingest.core.port.out.IndexAdmin;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * An {@link IndexAdmin} that passes every call on and adds up the wall time each kind of call took: where the
 * full run's planning and verifying wait for the server (a refresh, a count) rather than work themselves.
 */
final class TimedIndexAdmin {

    private final Map<String, long[]> nanosAndCalls = new TreeMap<>();

    /** The port, timed into this account. */
    IndexAdmin wrap(IndexAdmin admin) {
        return (IndexAdmin) Proxy.newProxyInstance(IndexAdmin.class.getClassLoader(), new Class<?>[] {IndexAdmin.class},
                (proxy, method, args) -> {
                    long t0 = System.nanoTime();
                    try {
                        return method.invoke(admin, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        long spent = System.nanoTime() - t0;
                        synchronized (nanosAndCalls) {
                            long[] account = nanosAndCalls.computeIfAbsent(method.getName(), k -> new long[2]);
                            account[0] += spent;
                            account[1]++;
                        }
                    }
                });
    }

    /** {@code "name":{"method":[milliseconds,calls],...}}, and starts the account afresh. */
    String takeJson(String name) {
        synchronized (nanosAndCalls) {
            String body = nanosAndCalls.entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "\"%s\":[%.1f,%d]", e.getKey(), e.getValue()[0] / 1e6,
                            e.getValue()[1]))
                    .collect(Collectors.joining(","));
            nanosAndCalls.clear();
            return "\"" + name + "\":{" + body + "}";
        }
    }
}
