package dev.refdata.ingest.core.spec;

import dev.refdata.ingest.core.domain.DatasetSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The dataset specs a process knows: the built-in ones shipped in this jar ({@code datasets/*.json}) and any
 * {@code *.json}, {@code *.yaml} or {@code *.yml} files in an optional directory, which can add feeds or
 * replace a built-in one of the same name.
 */
public final class DatasetCatalog {

    /** Specs shipped with the pipeline. */
    public static final List<String> BUILT_IN = List.of("instruments");

    private final Map<String, DatasetSpec> specs;

    private DatasetCatalog(Map<String, DatasetSpec> specs) {
        this.specs = Collections.unmodifiableMap(specs);
    }

    public static DatasetCatalog builtIn() {
        return new DatasetCatalog(loadBuiltIns());
    }

    /** The built-in specs plus every spec file in {@code directory} (which must exist). */
    public static DatasetCatalog withDirectory(Path directory) {
        Map<String, DatasetSpec> specs = loadBuiltIns();
        if (!Files.isDirectory(directory)) {
            throw new InvalidDatasetSpecException("dataset spec directory " + directory + " does not exist");
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.sorted().toList()) {
                String fileName = file.getFileName().toString();
                if (fileName.endsWith(".json") || fileName.endsWith(".yaml") || fileName.endsWith(".yml")) {
                    DatasetSpec spec = fromFile(file);
                    specs.put(spec.name(), spec);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list dataset spec directory " + directory, e);
        }
        return new DatasetCatalog(specs);
    }

    public static DatasetSpec fromFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return DatasetSpecParser.parse(file.toString(), in,
                    DatasetSpecParser.formatOf(file.getFileName().toString()));
        } catch (IOException e) {
            throw new InvalidDatasetSpecException("dataset spec " + file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    private static Map<String, DatasetSpec> loadBuiltIns() {
        Map<String, DatasetSpec> specs = new TreeMap<>();
        for (String name : BUILT_IN) {
            String resource = "datasets/" + name + ".json";
            try (InputStream in = DatasetCatalog.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("built-in dataset spec " + resource + " is missing from the jar");
                }
                specs.put(name, DatasetSpecParser.parse("classpath:" + resource, in, DatasetSpecParser.Format.JSON));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return specs;
    }

    /** The spec called {@code name}; the error lists the names that exist. */
    public DatasetSpec get(String name) {
        DatasetSpec spec = specs.get(name);
        if (spec == null) {
            throw new InvalidDatasetSpecException("unknown dataset '" + name + "' (known: "
                    + String.join(", ", specs.keySet()) + ")");
        }
        return spec;
    }

    public List<String> names() {
        return List.copyOf(specs.keySet());
    }
}
