package dev.refdata.ingest.statemachine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A state machine definition, parsed and checked: it uses nothing the {@link LocalExecutor} does not implement.
 * See {@link DefinitionChecker} for what that is.
 */
public final class StateMachineDefinition {

    private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{([A-Za-z0-9_.:-]+)}");

    private final JsonNode root;
    private final Set<String> boundTaskNames;

    private StateMachineDefinition(JsonNode root, Set<String> boundTaskNames) {
        this.root = root;
        this.boundTaskNames = Set.copyOf(boundTaskNames);
    }

    /**
     * Replaces every {@code ${Name}} with its substitution (as CloudFormation's DefinitionSubstitutions do), parses the
     * JSON and checks it.
     *
     * @throws InvalidDefinitionException when a substitution is missing or the result is not a valid definition
     * @throws UnsupportedDefinitionException when it uses a state type, field, operator or function not implemented
     */
    public static StateMachineDefinition parse(String json, Map<String, String> substitutions) {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(substitutions, "substitutions");
        Matcher matcher = SUBSTITUTION.matcher(json);
        StringBuilder substituted = new StringBuilder();
        while (matcher.find()) {
            String value = substitutions.get(matcher.group(1));
            if (value == null) {
                throw new InvalidDefinitionException("no substitution for ${" + matcher.group(1) + "}");
            }
            matcher.appendReplacement(substituted, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(substituted);
        JsonNode root;
        try {
            root = JsonPaths.MAPPER.readTree(substituted.toString());
        } catch (JsonProcessingException e) {
            throw new InvalidDefinitionException("the definition is not JSON: " + e.getOriginalMessage(), e);
        }
        DefinitionChecker checker = new DefinitionChecker();
        checker.checkStateMachine(root);
        return new StateMachineDefinition(root, checker.boundTaskNames());
    }

    /**
     * The names a {@link TaskHandler} must be bound to: the FunctionName of every lambda:invoke task and the Resource
     * of every other task (FunctionName given by a path is known only when the task runs).
     */
    public Set<String> boundTaskNames() {
        return boundTaskNames;
    }

    JsonNode root() {
        return root;
    }
}
