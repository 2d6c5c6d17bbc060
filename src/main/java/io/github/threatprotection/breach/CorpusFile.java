package io.github.threatprotection.breach;

import java.io.Closeable;
import java.io.IOException;

/** The bytes of a corpus file, read at absolute positions; safe for concurrent use. */
interface CorpusFile extends Closeable {

    /** The file's size when it was opened. */
    long size();

    /**
     * Fills {@code into[0, length)} with the bytes from {@code position}.
     *
     * @throws IOException when the file now ends before {@code position + length}, or cannot be read
     */
    void read(long position, byte[] into, int length) throws IOException;
}
