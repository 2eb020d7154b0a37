package dev.refdata.ingest.it.badinput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One file of the bad-input corpus and what the pipeline must make of it, as {@code bad-input/expectations.json}
 * says.
 *
 * @param name      the file's name (for a dataset spec, the spec file's name)
 * @param problem   what is wrong with it, in words
 * @param source    where its bytes come from
 * @param expected  the outcome the pipeline must reach
 */
record CorpusCase(String name, String problem, Source source, Outcome expected) {

    /** The corpus, in file order. */
    static final String RESOURCE = "bad-input/expectations.json";

    CorpusCase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(expected, "expected");
    }

    /** Where a case's bytes come from. */
    enum Source {
        /** A committed file under {@code bad-input/files/}. */
        FILE,
        /** A file too big to commit, written at test time by {@link HugeRecordFiles}. */
        GENERATED,
        /** A dataset spec under {@code bad-input/specs/}. */
        SPEC
    }

    /** What the pipeline must make of a case. */
    sealed interface Outcome permits Loaded, RunError, SpecError {
    }

    /**
     * The run plans, loads and verifies; every record is accounted for.
     *
     * @param records   records planned and read (blank lines and the header are not records)
     * @param indexed   records indexed
     * @param deleted   deletes acknowledged (a delete of an absent id included)
     * @param stale     records refused because the index holds an equal or newer version
     * @param rejects   the rejected records, by line, each with a fragment its reason must contain
     * @param documents the exact final document set: id to the fields (a subset) each document must hold
     * @param refusal   null when verification must succeed and the alias go live; else a fragment of the reason
     *                  verification must fail with, leaving the alias untouched
     */
    record Loaded(long records, long indexed, long deleted, long stale, List<Reject> rejects,
                  Map<String, Map<String, String>> documents, String refusal) implements Outcome {
        Loaded {
            rejects = List.copyOf(rejects);
            documents = Map.copyOf(documents);
            if (records != indexed + deleted + stale + rejects.size()) {
                throw new IllegalArgumentException("an expectation that does not account for every record: "
                        + records + " != " + indexed + " + " + deleted + " + " + stale + " + " + rejects.size());
            }
        }
    }

    /** A rejected record: its first line and a fragment of its reason. */
    record Reject(long line, String reason) {
    }

    /**
     * The run fails before anything is loaded, with an error naming the file, the line (0: the whole file) and
     * the problem.
     */
    record RunError(long line, String reason) implements Outcome {
    }

    /** The dataset spec is refused when the catalog is read, with an error naming the spec file and the problem. */
    record SpecError(String reason) implements Outcome {
    }

    static List<CorpusCase> all() {
        try (InputStream in = CorpusCase.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the test classpath");
            }
            List<CorpusCase> cases = new ArrayList<>();
            for (JsonNode c : new ObjectMapper().readTree(in).get("cases")) {
                cases.add(parse(c));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CorpusCase parse(JsonNode c) {
        String name = c.get("file").asText();
        Source source = Source.valueOf(c.path("source").asText("file").toUpperCase(java.util.Locale.ROOT));
        JsonNode expect = c.get("expect");
        Outcome outcome = switch (expect.get("outcome").asText()) {
            case "loaded" -> {
                List<Reject> rejects = new ArrayList<>();
                expect.path("rejects").forEach(r -> rejects.add(new Reject(r.get("line").asLong(),
                        r.get("reason").asText())));
                Map<String, Map<String, String>> documents = new LinkedHashMap<>();
                expect.get("documents").fields().forEachRemaining(d -> {
                    Map<String, String> fields = new LinkedHashMap<>();
                    d.getValue().fields().forEachRemaining(f -> fields.put(f.getKey(), f.getValue().asText()));
                    documents.put(d.getKey(), fields);
                });
                yield new Loaded(expect.get("records").asLong(), expect.get("indexed").asLong(),
                        expect.get("deleted").asLong(), expect.get("stale").asLong(), rejects, documents,
                        expect.path("refusal").asText(null));
            }
            case "run-error" -> new RunError(expect.path("line").asLong(0), expect.get("reason").asText());
            case "spec-error" -> new SpecError(expect.get("reason").asText());
            default -> throw new IllegalArgumentException(name + ": unknown outcome " + expect.get("outcome"));
        };
        return new CorpusCase(name, c.get("problem").asText(), source, outcome);
    }

    /** The display name of the test: the file and its problem. */
    @Override
    public String toString() {
        return name + ": " + problem;
    }
}
