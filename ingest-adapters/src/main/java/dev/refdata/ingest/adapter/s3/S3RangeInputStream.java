package dev.refdata.ingest.adapter.s3;

import software.amazon.awssdk.core.ResponseInputStream;

import java.io.FilterInputStream;
import java.io.IOException;

/**
 * The body of a ranged GET. Closing it before the last byte aborts the HTTP connection instead of draining the
 * rest of the range into the void (which, for a large range, would read megabytes only to reuse a connection).
 */
final class S3RangeInputStream extends FilterInputStream {

    private final ResponseInputStream<?> body;
    private long remaining;

    S3RangeInputStream(ResponseInputStream<?> body, long length) {
        super(body);
        this.body = body;
        this.remaining = length;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            remaining--;
        } else {
            remaining = 0;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            remaining -= n;
        } else if (n < 0) {
            remaining = 0;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        remaining -= skipped;
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() throws IOException {
        if (remaining > 0) {
            body.abort();
        }
        super.close();
    }
}
