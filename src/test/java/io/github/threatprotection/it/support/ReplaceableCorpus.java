package io.github.threatprotection.it.support;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The test server's second breach corpus ({@link BreachTestData#REPLACEABLE_CORPUS}), which only the corpus
 * tests change, the ways an operator might: rebuilt onto its path, copied over, damaged. Every test that
 * changes it puts the first edition back and waits until the server answers from it again.
 */
public final class ReplaceableCorpus {

    private static final long RELOAD_TIMEOUT_MILLIS = 45_000;

    private ReplaceableCorpus() {
    }

    public static Path path() {
        return Path.of(KeycloakExtension.required("keycloak.work")).resolve("breach")
                .resolve(BreachTestData.REPLACEABLE_CORPUS);
    }

    public static Path jar() {
        return Path.of(KeycloakExtension.required("threatprotection.jar"));
    }

    /** Where the first edition is kept, to put back after a test. */
    public static Path firstEditionCopy(Path corpus) {
        return corpus.resolveSibling("replaceable-first-edition.copy");
    }

    /** Writes random bytes over the live file, through its own name: the inode the server reads is changed. */
    public static void overwriteInPlaceWithGarbage() throws IOException {
        byte[] garbage = new byte[(int) Files.size(path())];
        new Random(11).nextBytes(garbage);
        Files.write(path(), garbage);
    }

    /** Cuts the live file to a third of its size, in place. */
    public static void truncateInPlace() throws IOException {
        try (FileChannel channel = FileChannel.open(path(), StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() / 3);
        }
    }

    /** {@code corpus build} of the second edition onto the live path, as an operator would. */
    public static void rebuildSecondEditionOntoTheLivePath() throws IOException, InterruptedException {
        BreachTestData.runCorpusBuild(jar(), BreachTestData.secondEdition(path().getParent()), path());
    }

    /** Moves a complete copy of the first edition over the live path (docs/operations.md's way to replace a corpus). */
    public static void putBackTheFirstEdition() throws IOException {
        Path copy = Files.copy(firstEditionCopy(path()), path().resolveSibling("replaceable.corpus.incoming"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.move(copy, path(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Waits until the server finds the first edition's password again: sets it as {@code probeUser}'s
     * password through the admin API until the recorded password change says "compromised". The realm must
     * have the {@code notCompromised} policy; it is switched to AUDIT meanwhile, since a change the policy
     * refuses is rolled back with its event, and its settings are put back afterwards.
     */
    public static void awaitFirstEdition(TestRealm realm, String probeUser) throws InterruptedException {
        String userId = realm.userId(probeUser);
        JsonNode settings = realm.settings();
        realm.saveSettings(((ObjectNode) settings.deepCopy()).put("mode", "AUDIT"));
        try {
            long deadline = System.currentTimeMillis() + RELOAD_TIMEOUT_MILLIS;
            JsonNode event = null;
            while (System.currentTimeMillis() < deadline) {
                AdminApi.ok(realm.resetPassword(userId, BreachTestData.FIRST_EDITION));
                event = realm.latestUserEvent(userId);
                if (event.at("/risk/reasons").findValuesAsText("signal").contains("COMPROMISED_CREDENTIALS")) {
                    return;
                }
                Thread.sleep(200);
            }
            throw new AssertionError("the server did not answer from the first edition again within "
                    + RELOAD_TIMEOUT_MILLIS + " ms; last event " + event);
        } finally {
            realm.saveSettings(settings);
        }
    }
}
