package io.github.threatprotection.breach;

import java.io.IOException;

/** A block of a corpus file does not hold what its length says: the file is damaged, whatever else it answers. */
final class DamagedBlockException extends IOException {

    private static final long serialVersionUID = 1L;

    DamagedBlockException(long block) {
        super("damaged block " + block + ": its sub-bucket counts do not fit its length");
    }
}
