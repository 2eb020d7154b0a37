package dev.refdata.ingest.cli;

import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.URI;

/** The flags every pipeline command shares to point at real services; the rest comes from the environment. */
final class EndpointOptions {

    @Option(names = "--opensearch-url", paramLabel = "<url>",
            description = "A running OpenSearch (default: INGEST_OPENSEARCH_URL, else a local node started and "
                    + "reused by the command).")
    URI openSearchUrl;

    PipelineEndpoints open(CommandContext context, PrintWriter notices) {
        if (openSearchUrl != null && (openSearchUrl.getScheme() == null || openSearchUrl.getHost() == null)) {
            throw new IllegalArgumentException("--opensearch-url: not a URL: '" + openSearchUrl
                    + "' (e.g. http://127.0.0.1:9200)");
        }
        return context.endpoints().open(openSearchUrl, notices);
    }
}
