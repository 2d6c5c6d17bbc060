package io.github.threatprotection.it.support;

import java.util.List;

/** The one Keycloak that all integration tests of a run share. */
public interface KeycloakServer extends AutoCloseable {

    String ADMIN_USERNAME = "admin";
    String ADMIN_PASSWORD = "admin";

    /** Base URL without a trailing slash, e.g. {@code http://localhost:8080}. */
    String baseUrl();

    /** The management interface (health, metrics), without a trailing slash. */
    String managementUrl();

    /** Whether {@link #restart()} keeps the database, so tests can check what survives a restart. */
    boolean keepsDataAcrossRestart();

    /** Whether the server reads files (breach corpora) at the paths the tests write them to. */
    default boolean sharesFilesWithTests() {
        return true;
    }

    /** Restarts with the run's options. */
    default void restart() throws Exception {
        restart(List.of());
    }

    /** Restarts with the run's options plus these, which replace those of an earlier restart. */
    void restart(List<String> extraOptions) throws Exception;

    /** The server's log so far, for tests that check what was (not) logged. */
    String log() throws Exception;

    @Override
    void close();
}
