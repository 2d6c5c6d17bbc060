package io.github.threatprotection.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.github.threatprotection.support.CapturedLog;

/** Reputation list files read, matched, replaced and lost while the server runs. */
class IpReputationListsTest {

    private static final Duration RECHECK = Duration.ofSeconds(30);
    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    @TempDir
    Path dir;

    @RegisterExtension
    final CapturedLog log = CapturedLog.of(IpReputationLists.class);

    @Test
    void anAddressOnAListIsReportedWithTheListAndEntryAndBadLinesAreSkippedWithOneWarning() throws IOException {
        Path list = Files.write(dir.resolve("tor-exits.txt"), List.of("# Tor exit nodes", "185.220.101.0/24 # a block",
                "not an address", "", "2001:db8::1", "999.1.1.1"));
        IpReputationLists lists = new IpReputationLists(List.of(list), RECHECK, new MutableClock());

        assertEquals(Optional.of("185.220.101.7 is on reputation list tor-exits.txt (entry 185.220.101.0/24)"),
                lists.match(ClientAddress.of("185.220.101.7"), false));
        assertEquals("2001:db8::1 is on reputation list tor-exits.txt (entry 2001:db8::1)",
                lists.match(ClientAddress.of("2001:db8::1"), false).orElseThrow());
        assertEquals(Optional.empty(), lists.match(ClientAddress.of("8.8.8.8"), false));
        assertEquals(1, log.warnings().size(), log.warnings().toString());
        assertTrue(log.warnings().get(0).contains("2 line(s)") && log.warnings().get(0).contains("line 3"), log.warnings().toString());
    }

    @Test
    void aReplacedListIsUsedAfterTheRecheckAndAnUnreadableOneKeepsItsLastContents() throws IOException {
        Path list = Files.write(dir.resolve("bad.txt"), List.of("192.0.2.1"));
        MutableClock clock = new MutableClock();
        IpReputationLists lists = new IpReputationLists(List.of(list), RECHECK, clock);
        assertTrue(lists.match(ClientAddress.of("192.0.2.1"), false).isPresent());

        Path staged = Files.write(dir.resolve("bad.txt.new"), List.of("198.51.100.0/24"));
        Files.setLastModifiedTime(staged, FileTime.fromMillis(Files.getLastModifiedTime(list).toMillis() + 10_000));
        Files.move(staged, list, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertTrue(lists.match(ClientAddress.of("192.0.2.1"), false).isPresent(), "not looked at before the recheck");
        clock.now = clock.now.plus(RECHECK);
        assertFalse(lists.match(ClientAddress.of("192.0.2.1"), false).isPresent());
        assertTrue(lists.match(ClientAddress.of("198.51.100.9"), false).isPresent());

        Files.delete(list);
        for (int i = 0; i < 3; i++) {
            clock.now = clock.now.plus(RECHECK);
            assertTrue(lists.match(ClientAddress.of("198.51.100.9"), false).isPresent(), "the last good contents");
        }
        assertEquals(1, log.warnings().size(), "warned once, not at every recheck: " + log.warnings());
        assertTrue(log.warnings().get(0).contains("keeping the version loaded before"), log.warnings().toString());
    }

    @Test
    void aListMissingAtStartMatchesNothingUntilItAppears() throws IOException {
        Path list = dir.resolve("later.txt");
        MutableClock clock = new MutableClock();
        IpReputationLists lists = new IpReputationLists(List.of(list), RECHECK, clock);
        assertEquals(Optional.empty(), lists.match(ClientAddress.of("192.0.2.1"), false));
        assertEquals(1, log.warnings().size(), log.warnings().toString());

        Files.write(list, List.of("192.0.2.0/24"));
        clock.now = clock.now.plus(RECHECK);
        assertTrue(lists.match(ClientAddress.of("192.0.2.1"), false).isPresent());
        assertEquals(1, log.warnings().size());
    }

    /** A clock the test moves by hand. */
    private static final class MutableClock extends Clock {
        Instant now = START;

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
