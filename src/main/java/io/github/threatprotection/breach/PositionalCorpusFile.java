package io.github.threatprotection.breach;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A corpus file read with positional reads through one open channel, shared by all threads; the page cache
 * keeps hot pages. This is how the server reads corpora, rather than through a memory mapping: when a mapped
 * file is truncated, a read past its new end raises SIGBUS, which the JVM turns into an InternalError thrown at
 * some later point of the thread, outside any handler the lookup has, or into no error at all and a garbage
 * value (docs/reliability.md). A positional read of a truncated file instead ends early, here, as an
 * IOException.
 */
final class PositionalCorpusFile implements CorpusFile {

    /** Reads larger than this are split, so that reading the index needs no temporary buffer of its size. */
    private static final int MAX_READ_BYTES = 1 << 20;

    private final FileChannel channel;
    private final long size;

    PositionalCorpusFile(Path path) throws IOException {
        channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            size = channel.size();
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long position, byte[] into, int length) throws IOException {
        int done = 0;
        while (done < length) {
            int read = channel.read(ByteBuffer.wrap(into, done, Math.min(length - done, MAX_READ_BYTES)),
                    position + done);
            if (read < 0) {
                throw new EOFException("the file is shorter than its index says: it was truncated");
            }
            done += read;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
