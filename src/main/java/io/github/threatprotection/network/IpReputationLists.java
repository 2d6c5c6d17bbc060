package io.github.threatprotection.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;

/**
 * Operator-supplied lists of bad addresses (Tor exit lists, FireHOL sets, one's own): plain text files with one
 * address or CIDR block per line, {@code #} comments allowed. A file that changes on disk is re-read after at
 * most the re-check interval; a file that cannot be read keeps its last good contents.
 */
public final class IpReputationLists {

    private static final Logger LOG = Logger.getLogger(IpReputationLists.class);

    private final List<ListFile> files;
    private final Duration recheck;
    private final Clock clock;
    private volatile Instant nextCheck;

    public IpReputationLists(List<Path> paths, Duration recheck, Clock clock) {
        this.files = paths.stream().map(ListFile::new).toList();
        this.recheck = recheck;
        this.clock = clock;
        files.forEach(ListFile::reloadIfChanged);
        this.nextCheck = clock.instant().plus(recheck);
    }

    /**
     * Which list and entry the address is on, as a detail for the event; empty when on none.
     *
     * @param storeNetworkOnly the realm's {@code privacy.storeNetworkOnly}: the detail names the address as the
     *                         event keeps it
     */
    public Optional<String> match(ClientAddress address, boolean storeNetworkOnly) {
        if (files.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (!now.isBefore(nextCheck)) {
            nextCheck = now.plus(recheck);
            files.forEach(ListFile::reloadIfChanged);
        }
        for (ListFile file : files) {
            Optional<IpRange> range = file.ranges.match(address);
            if (range.isPresent()) {
                return Optional.of(address.recorded(storeNetworkOnly) + " is on reputation list "
                        + file.path.getFileName() + " (entry " + address.recordedEntry(range.get(), storeNetworkOnly)
                        + ")");
            }
        }
        return Optional.empty();
    }

    private static final class ListFile {
        private final Path path;
        private volatile IpRangeSet ranges = IpRangeSet.EMPTY;
        private FileTime loadedVersion;

        ListFile(Path path) {
            this.path = path;
        }

        synchronized void reloadIfChanged() {
            try {
                FileTime version = Files.getLastModifiedTime(path);
                if (version.equals(loadedVersion)) {
                    return;
                }
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
                ranges = IpRangeSet.of(parsed);
                loadedVersion = version;
                LOG.infof("IP reputation list %s loaded: %d entries", path, parsed.size());
                if (skipped > 0) {
                    LOG.warnf("IP reputation list %s: %d line(s) are not addresses or CIDR blocks and were skipped,"
                            + " the first at line %d", path, skipped, firstBadLine);
                }
            } catch (IOException e) {
                LOG.warnf("IP reputation list %s cannot be read (%s); %s", path, e.getMessage(),
                        loadedVersion == null ? "it is not used" : "keeping its last good contents");
                loadedVersion = null;
            }
        }
    }
}
