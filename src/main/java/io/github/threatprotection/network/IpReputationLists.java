package io.github.threatprotection.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.github.threatprotection.files.ReloadingFile;

/**
 * Operator-supplied lists of bad addresses (Tor exit lists, FireHOL sets, one's own): plain text files with one
 * address or CIDR block per line, {@code #} comments allowed. Each is a {@link ReloadingFile} looked at again
 * after the recheck interval; a list that cannot be read keeps its last good contents.
 */
public final class IpReputationLists {

    private static final Logger LOG = Logger.getLogger(IpReputationLists.class);

    /** A list as read, and how many entries it had. */
    private record Entries(IpRangeSet ranges, int count) {
    }

    /** Reads a list into memory; lines that are not addresses are skipped, not a reason to refuse the file. */
    private static final ReloadingFile.Loader<Entries> LIST_FILES = new ReloadingFile.Loader<>() {
        @Override
        public Entries load(Path path) throws IOException {
            List<IpRange> parsed = new ArrayList<>();
            int skipped = 0;
            int firstBadLine = 0;
            List<String> lines = Files.readAllLines(path);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                int comment = line.indexOf('#');
                String entry = (comment >= 0 ? line.substring(0, comment) : line).trim();
                if (entry.isEmpty()) {
                    continue;
                }
                try {
                    parsed.add(IpRange.parse(entry));
                } catch (IllegalArgumentException e) {
                    skipped++;
                    firstBadLine = firstBadLine == 0 ? i + 1 : firstBadLine;
                }
            }
            if (skipped > 0) {
                LOG.warnf("IP reputation list %s: %d line(s) are not addresses or CIDR blocks and were skipped,"
                        + " the first at line %d", path, skipped, firstBadLine);
            }
            return new Entries(IpRangeSet.of(parsed), parsed.size());
        }

        @Override
        public String describe(Entries entries) {
            return entries.count() + " entries";
        }
    };

    private final List<ReloadingFile<Entries>> files;

    public IpReputationLists(List<Path> paths, Duration recheck, Clock clock) {
        // Lists have no dependency-error meter: the log alone says when one cannot be read
        this.files = paths.stream().map(path -> new ReloadingFile<>(path, LIST_FILES,
                ReloadingFile.Timing.every(recheck),
                new ReloadingFile.Reports(LOG, Logger.Level.WARN, "IP reputation list",
                        "no address is matched against it until it can be read", () -> { }),
                clock::millis)).toList();
    }

    /**
     * Which list and entry the address is on, as a detail for the event; empty when on none.
     *
     * @param storeNetworkOnly the realm's {@code privacy.storeNetworkOnly}: the detail names the address as the
     *                         event keeps it
     */
    public Optional<String> match(ClientAddress address, boolean storeNetworkOnly) {
        for (ReloadingFile<Entries> file : files) {
            file.lookIfDue();
            ReloadingFile.Loaded<Entries> entries = file.current();
            Optional<IpRange> range = entries == null ? Optional.empty() : entries.contents().ranges().match(address);
            if (range.isPresent()) {
                return Optional.of(address.recorded(storeNetworkOnly) + " is on reputation list "
                        + file.path().getFileName() + " (entry " + address.recordedEntry(range.get(), storeNetworkOnly)
                        + ")");
            }
        }
        return Optional.empty();
    }
}
