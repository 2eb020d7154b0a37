package dev.refdata.ingest.statemachine;

import java.util.Objects;

/**
 * The definition may be valid Amazon States Language but uses something this executor does not implement. The
 * message reads {@code state 'X': field 'Y' is not supported}, followed by details where they help.
 */
public class UnsupportedDefinitionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Stands for the top level of the definition in {@link #stateName()}. */
    public static final String STATE_MACHINE = "(state machine)";

    private final String stateName;
    private final String field;

    public UnsupportedDefinitionException(String stateName, String field, String detail) {
        super(message(stateName, field, detail));
        this.stateName = stateName;
        this.field = field;
    }

    private static String message(String stateName, String field, String detail) {
        Objects.requireNonNull(stateName, "stateName");
        Objects.requireNonNull(field, "field");
        String where = stateName.equals(STATE_MACHINE) ? "state machine" : "state '" + stateName + "'";
        return where + ": field '" + field + "' is not supported" + (detail == null ? "" : ": " + detail);
    }

    public String stateName() {
        return stateName;
    }

    public String field() {
        return field;
    }
}
