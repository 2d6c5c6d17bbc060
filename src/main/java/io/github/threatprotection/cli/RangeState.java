package io.github.threatprotection.cli;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import io.github.threatprotection.breach.CorpusInput;

/**
 * The state folder of {@code corpus download}: every range fetched so far, its ETag and its entries, so that a
 * run that stopped (a crash, Ctrl-C, a range that kept failing) goes on where it was, and a refresh asks each
 * range with its ETag and rebuilds from what changed plus what was kept.
 * <p>
 * Ranges are kept in journals ({@code ranges-000001.journal}, one per run, only appended to), one record per
 * answer: a header (range, generation, ETag, entry count), the entries as {@link RangeAnswer} packs them (7 bytes
 * each, against about 40 bytes of text), and a CRC-32. Each record goes to the operating system in one write as
 * soon as its answer is read, so a killed process loses only the ranges it was still fetching; a record cut off
 * by the kill fails its CRC and is ignored. The newest record of a range is the one in use. A refresh is one
 * generation: a 304 appends a small record that the range was confirmed in it, so a refresh that stopped goes
 * on with the ranges it had not asked yet. When records replaced by newer ones take more room than the records
 * in use, the journals are rewritten into one after a successful build. {@code download.properties} holds the
 * generation and what was last built.
 */
final class RangeState implements AutoCloseable {

    private static final String META = "download.properties";
    private static final String LOCK = "download.lock";
    private static final String JOURNAL_PREFIX = "ranges-";
    private static final String JOURNAL_SUFFIX = ".journal";
    private static final byte DATA = 1;
    private static final byte CONFIRMED = 2;
    /** kind, range, generation, ETag length. */
    private static final int HEADER_BYTES = 1 + 4 + 4 + 1;
    private static final int MAX_RECORD_BYTES = 64 << 20;
    private static final int NOWHERE = -1;

    private final Path dir;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final List<Path> journals = new ArrayList<>();
    private final List<FileChannel> channels = new ArrayList<>();
    /** Per range: journal index << 40 | offset of its record in use, or {@link #NOWHERE}. */
    private final long[] dataAt = new long[RangeAnswer.RANGES];
    private final int[] recordBytes = new int[RangeAnswer.RANGES];
    private final int[] entries = new int[RangeAnswer.RANGES];
    /** Per range: the newest generation in which it was fetched or confirmed. */
    private final int[] checked = new int[RangeAnswer.RANGES];
    private final Properties meta = new Properties();
    private final CRC32 crc = new CRC32();
    private FileChannel appending;
    private int appendingIndex = -1;
    private long appendingSize;
    private long liveBytes;
    private long deadBytes;

    private RangeState(Path dir, FileChannel lockFile, FileLock lock) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.lock = lock;
        Arrays.fill(dataAt, NOWHERE);
    }

    /** Opens (or creates) the state folder and reads its journals; one run at a time may hold it. */
    static RangeState open(Path dir, PrintStream progress) throws IOException {
        Files.createDirectories(dir);
        FileChannel lockFile = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockFile.tryLock();
        } catch (IOException e) {
            lockFile.close();
            throw e;
        }
        if (lock == null) {
            lockFile.close();
            throw new IOException("another corpus download is using the state folder " + dir);
        }
        RangeState state = new RangeState(dir, lockFile, lock);
        try {
            state.load(progress);
        } catch (IOException | RuntimeException e) {
            state.close();
            throw e;
        }
        return state;
    }

    private void load(PrintStream progress) throws IOException {
        Path metaFile = dir.resolve(META);
        if (Files.exists(metaFile)) {
            try (InputStream in = Files.newInputStream(metaFile)) {
                meta.load(in);
            }
        }
        List<Path> found;
        try (Stream<Path> list = Files.list(dir)) {
            found = list.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith(JOURNAL_PREFIX) && name.endsWith(JOURNAL_SUFFIX);
            }).sorted().toList();
        }
        for (Path journal : found) {
            journals.add(journal);
            channels.add(FileChannel.open(journal, StandardOpenOption.READ));
            int index = journals.size() - 1;
            long ignored = scan(index, (range, offset, kind, generation, count, size, record) -> {
                checked[range] = Math.max(checked[range], generation);
                if (kind == DATA) {
                    if (dataAt[range] != NOWHERE) {
                        deadBytes += recordBytes[range];
                        liveBytes -= recordBytes[range];
                    }
                    dataAt[range] = ((long) index << 40) | offset;
                    recordBytes[range] = size;
                    entries[range] = count;
                    liveBytes += size;
                } else {
                    deadBytes += size;
                }
            });
            if (ignored > 0) {
                progress.printf("%s: ignoring its last %,d bytes, a record cut off when a run stopped%n",
                        journal.getFileName(), ignored);
            }
        }
    }

    private interface RecordVisitor {
        void visit(int range, long offset, byte kind, int generation, int entries, int size, byte[] record)
                throws IOException;
    }

    /**
     * Reads journal {@code index} from its start, checking each record's CRC; returns how many bytes at its end
     * are no complete record (a run stopped while writing it).
     */
    private long scan(int index, RecordVisitor visitor) throws IOException {
        Path journal = journals.get(index);
        long size = Files.size(journal);
        long offset = 0;
        byte[] record = new byte[1 << 16];
        CRC32 check = new CRC32();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(journal),
                1 << 20))) {
            while (offset < size) {
                int length;
                try {
                    length = in.readInt();
                    if (length < HEADER_BYTES + 4 || length > MAX_RECORD_BYTES || offset + 8 + length > size) {
                        return size - offset;
                    }
                    if (record.length < length) {
                        record = new byte[Math.max(length, record.length * 2)];
                    }
                    in.readFully(record, 0, length);
                    int expected = in.readInt();
                    check.reset();
                    check.update(record, 0, length);
                    if ((int) check.getValue() != expected) {
                        return size - offset;
                    }
                } catch (EOFException e) {
                    return size - offset;
                }
                ByteBuffer header = ByteBuffer.wrap(record, 0, length);
                byte kind = header.get();
                int range = header.getInt();
                int generation = header.getInt();
                int etagLength = header.get() & 0xFF;
                if ((kind != DATA && kind != CONFIRMED) || range < 0 || range >= RangeAnswer.RANGES
                        || HEADER_BYTES + etagLength + 4 > length) {
                    throw new IOException(journal + ": a record at byte " + offset + " has a valid checksum but"
                            + " is not a range record; was the state folder written by another program?");
                }
                header.position(HEADER_BYTES + etagLength);
                int count = header.getInt();
                visitor.visit(range, offset, kind, generation, count, 8 + length, record);
                offset += 8 + length;
            }
        }
        return 0;
    }

    /** The generation a refresh is in, or the last one; 0 before the first download. */
    int generation() {
        return Integer.parseInt(meta.getProperty("generation", "0"));
    }

    boolean generationComplete() {
        return Boolean.parseBoolean(meta.getProperty("complete", "true"));
    }

    void startGeneration(int generation, String url) throws IOException {
        meta.setProperty("generation", Integer.toString(generation));
        meta.setProperty("complete", "false");
        meta.setProperty("url", url);
        saveMeta();
    }

    void completeGeneration() throws IOException {
        meta.setProperty("complete", "true");
        saveMeta();
    }

    /** Whether {@code output} is, by its size and time, the file the last build of this state wrote. */
    boolean builtInto(Path output) throws IOException {
        return Files.exists(output)
                && meta.getProperty("built.path", "").equals(output.toAbsolutePath().toString())
                && meta.getProperty("built.size", "").equals(Long.toString(Files.size(output)))
                && meta.getProperty("built.modified", "").equals(
                        Long.toString(Files.getLastModifiedTime(output).toMillis()));
    }

    void recordBuild(Path output) throws IOException {
        meta.setProperty("built.path", output.toAbsolutePath().toString());
        meta.setProperty("built.size", Long.toString(Files.size(output)));
        meta.setProperty("built.modified", Long.toString(Files.getLastModifiedTime(output).toMillis()));
        saveMeta();
    }

    private void saveMeta() throws IOException {
        Path temp = dir.resolve(META + ".new");
        try (OutputStream out = Files.newOutputStream(temp)) {
            meta.store(out, "corpus download state; the journals hold the ranges");
        }
        Files.move(temp, dir.resolve(META), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    boolean has(int range) {
        return dataAt[range] != NOWHERE;
    }

    int checkedIn(int range) {
        return checked[range];
    }

    /** The ETag the range's record in use was fetched with, or null. */
    synchronized String etag(int range) throws IOException {
        long at = dataAt[range];
        if (at == NOWHERE) {
            return null;
        }
        FileChannel channel = channels.get((int) (at >>> 40));
        ByteBuffer header = ByteBuffer.allocate(4 + HEADER_BYTES + 255);
        long position = (at & ((1L << 40) - 1));
        while (header.hasRemaining() && channel.read(header, position + header.position()) > 0) {
            // until the header is read or the file ends
        }
        header.flip();
        header.position(4 + HEADER_BYTES - 1);
        int length = header.get() & 0xFF;
        if (length == 0) {
            return null;
        }
        byte[] etag = new byte[length];
        header.get(etag);
        return new String(etag, StandardCharsets.ISO_8859_1);
    }

    /** Appends a fetched answer; it is in use from now on. */
    synchronized void add(RangeAnswer answer, String etag, int generation) throws IOException {
        byte[] etagBytes = etag == null ? new byte[0] : etag.getBytes(StandardCharsets.ISO_8859_1);
        if (etagBytes.length > 255) {
            // Not kept: a refresh then fetches this range again, which is slower but still right.
            etagBytes = new byte[0];
        }
        long offset = write(DATA, answer.range, generation, etagBytes, answer.entries, answer.packed,
                answer.packedLength);
        int size = 8 + HEADER_BYTES + etagBytes.length + 4 + answer.packedLength;
        if (dataAt[answer.range] != NOWHERE) {
            deadBytes += recordBytes[answer.range];
            liveBytes -= recordBytes[answer.range];
        }
        dataAt[answer.range] = ((long) appendingIndex << 40) | offset;
        recordBytes[answer.range] = size;
        entries[answer.range] = answer.entries;
        liveBytes += size;
        checked[answer.range] = generation;
    }

    /** Records that a range was asked in {@code generation} and had not changed (HTTP 304). */
    synchronized void confirm(int range, int generation) throws IOException {
        write(CONFIRMED, range, generation, new byte[0], 0, new byte[0], 0);
        deadBytes += 8 + HEADER_BYTES + 4;
        checked[range] = generation;
    }

    private long write(byte kind, int range, int generation, byte[] etag, int count, byte[] payload,
            int payloadLength) throws IOException {
        if (appending == null) {
            startJournal();
        }
        int length = HEADER_BYTES + etag.length + 4 + payloadLength;
        ByteBuffer record = ByteBuffer.allocate(8 + length);
        record.putInt(length).put(kind).putInt(range).putInt(generation).put((byte) etag.length).put(etag)
                .putInt(count).put(payload, 0, payloadLength);
        crc.reset();
        crc.update(record.array(), 4, length);
        record.putInt((int) crc.getValue()).flip();
        long offset = appendingSize;
        // One write per record: once it returns, a killed process cannot lose it.
        while (record.hasRemaining()) {
            appendingSize += appending.write(record, appendingSize);
        }
        return offset;
    }

    private void startJournal() throws IOException {
        int number = 1;
        if (!journals.isEmpty()) {
            String last = journals.get(journals.size() - 1).getFileName().toString();
            number = Integer.parseInt(last.substring(JOURNAL_PREFIX.length(),
                    last.length() - JOURNAL_SUFFIX.length())) + 1;
        }
        Path journal = dir.resolve(String.format("%s%06d%s", JOURNAL_PREFIX, number, JOURNAL_SUFFIX));
        appending = FileChannel.open(journal, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        appendingSize = 0;
        journals.add(journal);
        channels.add(appending);
        appendingIndex = journals.size() - 1;
    }

    /** Puts what was appended on disk (not only in the operating system's cache). */
    synchronized void sync() throws IOException {
        if (appending != null) {
            appending.force(false);
        }
    }

    /** Ranges with no record among every {@code step}-th (1 for all of them). */
    int missing(int step) {
        int missing = 0;
        for (int r = 0; r < RangeAnswer.RANGES; r += step) {
            if (dataAt[r] == NOWHERE) {
                missing++;
            }
        }
        return missing;
    }

    long entries(int step) {
        long total = 0;
        for (int r = 0; r < RangeAnswer.RANGES; r += step) {
            total += dataAt[r] == NOWHERE ? 0 : entries[r];
        }
        return total;
    }

    long bytesInUse() {
        return liveBytes;
    }

    /** Hands the entries of the records in use of every {@code step}-th range to the builder, journal by journal. */
    void readEntries(int step, CorpusInput.Sink sink) throws IOException {
        sync();
        for (int index = 0; index < journals.size(); index++) {
            int journal = index;
            long ignored = scan(journal, (range, offset, kind, generation, count, size, record) -> {
                if (kind == DATA && range % step == 0 && dataAt[range] == (((long) journal << 40) | offset)) {
                    int etagLength = record[HEADER_BYTES - 1] & 0xFF;
                    RangeAnswer.readEntries(range, record, HEADER_BYTES + etagLength + 4, count, sink);
                }
            });
            if (ignored > 0 && journal == appendingIndex) {
                throw new IOException(journals.get(journal) + " changed while it was read");
            }
        }
    }

    /**
     * After a successful build: when replaced records take more room than the ones in use, writes the records in
     * use into a new journal and deletes the others. A stop in between leaves both, which read the same.
     */
    void compactIfWasteful(PrintStream progress) throws IOException {
        if (deadBytes <= liveBytes) {
            return;
        }
        List<Path> old = new ArrayList<>(journals);
        FileChannel previous = appending;
        appending = null;
        if (previous != null) {
            previous.force(false);
        }
        long[] newAt = new long[RangeAnswer.RANGES];
        Arrays.fill(newAt, NOWHERE);
        int oldCount = journals.size();
        for (int index = 0; index < oldCount; index++) {
            int journal = index;
            scan(journal, (range, offset, kind, generation, count, size, record) -> {
                if (kind == DATA && dataAt[range] == (((long) journal << 40) | offset)) {
                    int etagLength = record[HEADER_BYTES - 1] & 0xFF;
                    byte[] etag = Arrays.copyOfRange(record, HEADER_BYTES, HEADER_BYTES + etagLength);
                    int payload = HEADER_BYTES + etagLength + 4;
                    byte[] entryBytes = Arrays.copyOfRange(record, payload, size - 8);
                    newAt[range] = write(DATA, range, checked[range], etag, count, entryBytes, entryBytes.length);
                }
            });
        }
        appending.force(false);
        for (int r = 0; r < RangeAnswer.RANGES; r++) {
            if (newAt[r] != NOWHERE) {
                dataAt[r] = ((long) appendingIndex << 40) | newAt[r];
            }
        }
        for (int index = 0; index < oldCount; index++) {
            channels.get(index).close();
            Files.deleteIfExists(old.get(index));
        }
        Path kept = journals.get(appendingIndex);
        journals.subList(0, oldCount).clear();
        channels.subList(0, oldCount).clear();
        appendingIndex = 0;
        for (int r = 0; r < RangeAnswer.RANGES; r++) {
            if (dataAt[r] != NOWHERE) {
                dataAt[r] = dataAt[r] & ((1L << 40) - 1);
            }
        }
        progress.printf("state: rewrote %d journal(s) into %s, %,d bytes freed%n", oldCount, kept.getFileName(),
                deadBytes);
        deadBytes = 0;
    }

    @Override
    public synchronized void close() throws IOException {
        IOException failure = null;
        for (FileChannel channel : channels) {
            try {
                if (channel == appending) {
                    channel.force(false);
                }
                channel.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        channels.clear();
        appending = null;
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel releases it too.
        }
        lockFile.close();
        if (failure != null) {
            throw failure;
        }
    }
}
