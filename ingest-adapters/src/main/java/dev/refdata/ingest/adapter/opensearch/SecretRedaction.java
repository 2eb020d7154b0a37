package dev.refdata.ingest.adapter.opensearch;

import java.util.regex.Pattern;

/**
 * Takes credentials out of text that is about to become an error message, a log line or a report: what a server
 * echoes back (AWS's signature errors quote the canonical request, signed headers and all; a proxy's error page may
 * quote the request) and URLs an operator configured. It blanks the values and keeps the names, so the message
 * still says what was wrong:
 * <ul>
 *   <li>an AWS SigV4 authorization value ({@code AWS4-HMAC-SHA256 Credential=..., Signature=...});</li>
 *   <li>the values of {@code Authorization}, {@code X-Amz-Security-Token}, {@code X-Amz-Signature},
 *       {@code X-Amz-Credential}, {@code password}, {@code secret} and {@code token}, written as
 *       {@code name: value}, {@code name=value} or {@code "name":"value"};</li>
 *   <li>HTTP {@code Basic} and {@code Bearer} credentials;</li>
 *   <li>the user info of a URL ({@code https://user:password@host}).</li>
 * </ul>
 * A last line of defence: the first is never to put a credential into such text at all.
 */
public final class SecretRedaction {

    /** What a secret is replaced with. */
    public static final String REDACTED = "[redacted]";

    private static final Pattern SIGV4 = Pattern.compile("AWS4-HMAC-SHA256\\s+[^\"\\n\\r]*");
    private static final Pattern SCHEMES = Pattern.compile("(?i)\\b(Basic|Bearer)\\s+[A-Za-z0-9+/=._~-]{4,}");
    private static final Pattern NAMED = Pattern.compile(
            "(?i)(authorization|x-amz-security-token|x-amz-signature|x-amz-credential|password|secret|token)"
                    + "(\"?\\s*[:=]\\s*\"?)(?!\\[redacted]|AWS4-HMAC-SHA256|Basic\\b|Bearer\\b)([^\\s\"'&,;}]+)");
    private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/\\s@\"']+@");

    private SecretRedaction() {
    }

    /** {@code text} without credentials; null stays null. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = SIGV4.matcher(text).replaceAll("AWS4-HMAC-SHA256 " + REDACTED);
        out = SCHEMES.matcher(out).replaceAll("$1 " + REDACTED);
        out = NAMED.matcher(out).replaceAll("$1$2" + REDACTED);
        return USER_INFO.matcher(out).replaceAll("$1" + REDACTED + "@");
    }
}
