package dev.refdata.ingest.benchmarks.endtoend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM options the SAM template deploys the functions with: the value of {@code JAVA_TOOL_OPTIONS} in
 * {@code template.yaml} (set once, under {@code Globals}), so that the harness starts a loader the way the Lambda
 * runtime does, without a second copy of the options to drift.
 */
final class DeployedJvmOptions {

    private static final Pattern LINE = Pattern.compile("^\\s*JAVA_TOOL_OPTIONS:\\s*(.+?)\\s*$", Pattern.MULTILINE);

    private DeployedJvmOptions() {
    }

    /**
     * @return the options, or an empty list when there is no template (the harness runs outside a checkout)
     * @throws IllegalStateException when the template sets {@code JAVA_TOOL_OPTIONS} more than once
     */
    static List<String> fromTemplate(Path template) {
        if (!Files.isRegularFile(template)) {
            return List.of();
        }
        String text;
        try {
            text = Files.readString(template);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher m = LINE.matcher(text);
        if (!m.find()) {
            return List.of();
        }
        String value = m.group(1);
        if (m.find()) {
            throw new IllegalStateException(template + " sets JAVA_TOOL_OPTIONS more than once: which one is deployed?");
        }
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
            value = value.substring(1, value.length() - 1);
        }
        return Arrays.stream(value.trim().split("\\s+")).filter(o -> !o.isEmpty()).toList();
    }
}
