package dev.refdata.ingest.core.port.out;

import dev.refdata.ingest.core.domain.ObjectRef;

/** The named object does not exist (or cannot be seen with the configured credentials). */
public class ObjectNotFoundException extends RuntimeException {

    private final transient ObjectRef ref;

    public ObjectNotFoundException(ObjectRef ref, Throwable cause) {
        super("object not found: " + ref, cause);
        this.ref = ref;
    }

    public ObjectRef ref() {
        return ref;
    }
}
