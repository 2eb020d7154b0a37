package dev.refdata.ingest.cli;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.io.PrintWriter;

/**
 * An AWS call that failed, as one line with the next step instead of a stack trace: an unreachable endpoint or
 * missing credentials (the client's side), or the service's refusal with its error code.
 */
final class AwsServiceErrors {

    /** The exit code of a command stopped by an AWS error. */
    static final int EXIT = 1;

    private AwsServiceErrors() {
    }

    static int report(PrintWriter err, String action, SdkException e) {
        if (e instanceof AwsServiceException refused) {
            err.println("error: " + action + ": " + refused.awsErrorDetails().errorCode() + ": "
                    + refused.awsErrorDetails().errorMessage());
        } else if (e instanceof SdkClientException) {
            err.println("error: " + action + ": " + e.getMessage() + " (check AWS_REGION, the credentials "
                    + "(AWS_PROFILE or AWS_ACCESS_KEY_ID) and AWS_ENDPOINT_URL)");
        } else {
            err.println("error: " + action + ": " + e.getMessage());
        }
        return EXIT;
    }
}
