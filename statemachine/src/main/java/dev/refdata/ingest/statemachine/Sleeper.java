package dev.refdata.ingest.statemachine;

import java.time.Duration;

/** Waits between retries; injected so that tests record the delays instead of waiting them. */
@FunctionalInterface
public interface Sleeper {

    Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
