package dev.refdata.ingest.it.support;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Stops the shared {@link TestServices} when the JUnit Platform launcher session ends, i.e. after the last test
 * of the run, whether tests passed or not. Registered in
 * {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}.
 */
public final class TestServicesSessionListener implements LauncherSessionListener {

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        TestServices.shutdown();
    }
}
