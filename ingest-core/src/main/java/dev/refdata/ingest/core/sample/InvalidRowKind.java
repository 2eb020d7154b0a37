package dev.refdata.ingest.core.sample;

/**
 * The ways a generated row can be deliberately invalid. Each invalid row has exactly one problem; its other
 * fields are valid, and its ISIN (when it has one) is not used by any other row.
 */
public enum InvalidRowKind {
    /** The ISIN has the right shape but a wrong check digit. */
    BAD_CHECK_DIGIT,
    /** {@code maturity} is not a real {@code yyyy-MM-dd} date, or {@code updated_at} is not an ISO-8601 instant. */
    BAD_DATE,
    /** {@code coupon} is not a decimal number ({@code 4,25}, {@code 4.25%}, {@code N/A} …). */
    BAD_DECIMAL,
    /** The row has fewer (at least two fewer) or more fields than the header. */
    WRONG_COLUMN_COUNT,
    /** {@code isin} is empty or blank. */
    MISSING_ID
}
