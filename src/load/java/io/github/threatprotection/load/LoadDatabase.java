package io.github.threatprotection.load;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The embedded PostgreSQL the servers share, with its statement log: statements slower than 20 ms always, every
 * statement while {@link StatementCount} counts them. Each connection names its application, so the log tells
 * the servers and the driver apart.
 */
final class LoadDatabase implements AutoCloseable {

    private static final String SLOW_MILLIS = "20";

    private final EmbeddedPostgres postgres;
    private final Connection connection;
    private final Path directory;
    private final Path log;

    private LoadDatabase(EmbeddedPostgres postgres, Path directory, Path log) throws SQLException {
        this.postgres = postgres;
        this.directory = directory;
        this.log = log;
        this.connection = DriverManager.getConnection(jdbcUrl("load-driver"), "postgres", "postgres");
    }

    /** Starts a fresh database under the work directory, its log in {@code postgres.log} there. */
    static LoadDatabase start(Path work) throws IOException, SQLException {
        Path log = work.resolve("postgres.log");
        Files.deleteIfExists(log);
        Path directory = work.resolve("postgres");
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setPort(freePort())
                .setDataDirectory(directory)
                .setCleanDataDirectory(true)
                .setPGStartupWait(Duration.ofSeconds(120))
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(work.resolve("postgres-start.log").toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(work.resolve("postgres-start.log").toFile()))
                .setServerConfig("logging_collector", "on")
                .setServerConfig("log_directory", work.toString())
                .setServerConfig("log_filename", log.getFileName().toString())
                .setServerConfig("log_line_prefix", "%a@")
                .setServerConfig("log_parameter_max_length", "0")
                .setServerConfig("max_connections", "200")
                .start();
        try {
            LoadDatabase database = new LoadDatabase(postgres, directory, log);
            database.logEveryStatement(false);
            return database;
        } catch (SQLException e) {
            postgres.close();
            throw e;
        }
    }

    /** The JDBC URL for a connection that carries this application name into the log. */
    String jdbcUrl(String applicationName) {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres?ApplicationName=" + applicationName;
    }

    /** The driver's own connection. */
    Connection connection() {
        return connection;
    }

    /** PostgreSQL's postmaster, the parent of every backend, for the CPU accounting. */
    long postmaster() throws IOException {
        return Long.parseLong(Files.readAllLines(directory.resolve("postmaster.pid")).get(0).strip());
    }

    /**
     * Every statement into the log with its duration, or (false) only the slow ones; set with ALTER SYSTEM,
     * since a server option would override it.
     */
    void logEveryStatement(boolean every) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("alter system set log_min_duration_statement = " + (every ? "0" : SLOW_MILLIS));
            statement.execute("select pg_reload_conf()");
        }
    }

    /** Where the log ends now, for {@link #logSince}. */
    long logSize() throws IOException {
        return Files.size(log);
    }

    /** What the log gained since it had this size. */
    String logSince(long offset) throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws SQLException, IOException {
        try {
            connection.close();
        } finally {
            postgres.close();
        }
    }
}
