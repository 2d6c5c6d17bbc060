package io.github.threatprotection.history;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.persistence.EntityManager;

import org.hibernate.Session;
import org.keycloak.connections.jpa.util.JpaUtils;

import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.SignInObservation;

/**
 * Reads what a sign-in's risk score needs in the sign-in's own transaction and connection, in three
 * statements (one round trip on PostgreSQL). A failed read must fail only the score, never the sign-in's
 * transaction: the reads go through JDBC, since a failed JPA query would mark the transaction rollback-only,
 * and on PostgreSQL, where any error aborts the whole transaction, they run inside a savepoint that a failure
 * rolls back to. A second transaction would isolate them too, but it costs a second pooled connection and about
 * a millisecond of transaction machinery per sign-in (measured in docs/benchmarks.md).
 */
public final class RecentActivityStore {

    private static final String SAVEPOINT = "tp_risk_reads";

    private final EntityManager em;

    public RecentActivityStore(EntityManager em) {
        this.em = em;
    }

    /**
     * @param network        the sign-in's network, or null when it has none (then no network failures count)
     * @param failuresSince  start of the velocity window
     * @param maxSignIns     how many earlier sign-ins to read at most
     * @param maxFailures    how many of the user's and of the network's latest failures to read at most: an
     *                       attack's own failures must not make every sign-in's read grow with them
     * @throws IllegalStateException when the database cannot answer; the sign-in's transaction stays usable
     */
    public RecentActivity read(String realmId, String userId, String network, Instant failuresSince,
                               int maxSignIns, int maxFailures) {
        String events = JpaUtils.getTableNameForNativeQuery("TP_RISK_EVENT", em);
        String failures = JpaUtils.getTableNameForNativeQuery("TP_FAILED_SIGN_IN", em);
        return em.unwrap(Session.class).doReturningWork(connection -> read(connection, events, failures, realmId,
                userId, network, failuresSince, maxSignIns, maxFailures));
    }

    /** As {@link #read(String, String, String, Instant, int, int)}, on a connection inside a transaction. */
    static RecentActivity read(Connection connection, String eventsTable, String failuresTable, String realmId,
                               String userId, String network, Instant failuresSince, int maxSignIns,
                               int maxFailures) throws SQLException {
        DatabaseMetaData database = connection.getMetaData();
        String product = database.getDatabaseProductName();
        boolean postgres = product.contains("PostgreSQL");
        String history = "SELECT EVENT_TIME, IP_ADDRESS, NETWORK, COUNTRY, ASN, LATITUDE, LONGITUDE,"
                + " ACCURACY_KM, DEVICE_ID, FEEDBACK_VALUE FROM " + eventsTable
                + " WHERE REALM_ID = ? AND USER_ID = ? AND EVENT_TYPE = ?"
                + " AND (RESPONSE = ? OR FEEDBACK_VALUE IS NOT NULL)"
                + " ORDER BY EVENT_TIME DESC" + limit(product, maxSignIns);
        long since = failuresSince.toEpochMilli();
        // Each read walks its own index from the newest failure and stops after maxFailures rows. The user's
        // failures come by network, since those from networks the user never signed in from weigh less.
        String userFailures = "SELECT NETWORK AS FAILURE_NETWORK, COUNT(*) AS FAILURES FROM (SELECT NETWORK FROM "
                + failuresTable + " WHERE REALM_ID = ? AND USER_KEY = ? AND FAILED_AT >= ?"
                + " ORDER BY FAILED_AT DESC" + limit(product, maxFailures) + ") USER_FAILURES GROUP BY NETWORK";
        String networkFailures = "SELECT COUNT(DISTINCT USER_KEY) AS USERS, COUNT(*) AS FAILURES FROM"
                + " (SELECT USER_KEY FROM " + failuresTable + " WHERE REALM_ID = ? AND NETWORK = ? AND FAILED_AT >= ?"
                + " ORDER BY FAILED_AT DESC" + limit(product, maxFailures) + ") NETWORK_FAILURES";
        List<Object> historyParameters = List.of(realmId, userId, EventType.SIGN_IN.name(),
                EventResponse.PASS.name());
        List<Object> userParameters = List.of(realmId, userId, since);
        List<Object> networkParameters = Arrays.asList(realmId, network, since);
        try {
            if (postgres) {
                // The driver sends all the statements before it waits for an answer. Each read has one right
                // plan whatever the values (an index walked from the newest row), yet PostgreSQL would plan them
                // anew at every sign-in (docs/benchmarks.md); generic plans save that. They stay right only while
                // the failures table has no index on FAILED_AT alone: see the changelog and
                // RecentActivityStoreTest.
                // Rolling back to the savepoint after reading undoes only the SET, which the rest of the
                // transaction must not see.
                // (plan_cache_mode came with PostgreSQL 12; an older server just plans as before.)
                String genericPlans = database.getDatabaseMajorVersion() >= 12
                        ? "SET LOCAL plan_cache_mode TO force_generic_plan; " : "";
                List<Object> all = new ArrayList<>(userParameters);
                all.addAll(networkParameters);
                all.addAll(historyParameters);
                return readAll(connection, "SAVEPOINT " + SAVEPOINT + "; " + genericPlans + userFailures + "; "
                        + networkFailures + "; " + history + "; ROLLBACK TO SAVEPOINT " + SAVEPOINT
                        + "; RELEASE SAVEPOINT " + SAVEPOINT, all);
            }
            // Elsewhere a failed statement leaves the transaction usable.
            RecentActivity signIns = readAll(connection, history, historyParameters);
            RecentActivity byUser = readAll(connection, userFailures, userParameters);
            RecentActivity byNetwork = readAll(connection, networkFailures, networkParameters);
            return new RecentActivity(signIns.signIns(), byUser.userFailuresByNetwork(), byNetwork.networkUsers(),
                    byNetwork.networkFailures());
        } catch (SQLException e) {
            if (postgres) {
                try (Statement undo = connection.createStatement()) {
                    undo.execute("ROLLBACK TO SAVEPOINT " + SAVEPOINT + "; RELEASE SAVEPOINT " + SAVEPOINT);
                }
            }
            throw new IllegalStateException("reading the sign-in history failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs the statement(s) and collects what they answer, telling the result sets apart by their first column:
     * the user's failures by network, the network's failure counts, or the history.
     *
     * @param parameters in the order the statement text takes them; a null is a VARCHAR null
     */
    private static RecentActivity readAll(Connection connection, String sql, List<Object> parameters)
            throws SQLException {
        List<SignInObservation> signIns = new ArrayList<>();
        Map<String, Integer> userFailures = new HashMap<>();
        int networkUsers = 0;
        int networkFailures = 0;
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                Object value = parameters.get(i);
                if (value == null) {
                    statement.setNull(i + 1, Types.VARCHAR);
                } else if (value instanceof Long number) {
                    statement.setLong(i + 1, number);
                } else {
                    statement.setString(i + 1, (String) value);
                }
            }
            boolean resultSet = statement.execute();
            while (resultSet || statement.getUpdateCount() != -1) {
                if (resultSet) {
                    try (ResultSet rows = statement.getResultSet()) {
                        String first = rows.getMetaData().getColumnLabel(1);
                        if ("FAILURE_NETWORK".equalsIgnoreCase(first)) {
                            while (rows.next()) {
                                userFailures.merge(rows.getString(1), rows.getInt(2), Integer::sum);
                            }
                        } else if ("USERS".equalsIgnoreCase(first)) {
                            rows.next();
                            networkUsers = rows.getInt(1);
                            networkFailures = rows.getInt(2);
                        } else {
                            while (rows.next()) {
                                signIns.add(observation(rows));
                            }
                        }
                    }
                }
                resultSet = statement.getMoreResults();
            }
        }
        return new RecentActivity(signIns, userFailures, networkUsers, networkFailures);
    }

    private static SignInObservation observation(ResultSet row) throws SQLException {
        long asn = row.getLong(5);
        Long knownAsn = row.wasNull() ? null : asn;
        double latitude = row.getDouble(6);
        Double knownLatitude = row.wasNull() ? null : latitude;
        double longitude = row.getDouble(7);
        Double knownLongitude = row.wasNull() ? null : longitude;
        int accuracy = row.getInt(8);
        Integer knownAccuracy = row.wasNull() ? null : accuracy;
        return new SignInObservation(Instant.ofEpochMilli(row.getLong(1)), row.getString(2), row.getString(3),
                row.getString(4), knownAsn, knownLatitude, knownLongitude, knownAccuracy, row.getString(9),
                Feedback.Value.INVALID.name().equals(row.getString(10)));
    }

    /** Keycloak's databases disagree on how to say "the first n rows". */
    private static String limit(String product, int rows) {
        if (product.contains("PostgreSQL") || product.contains("H2") || product.contains("MySQL")
                || product.contains("MariaDB")) {
            return " LIMIT " + rows;
        }
        // Oracle 12c and later, SQL Server 2012 and later
        return " OFFSET 0 ROWS FETCH NEXT " + rows + " ROWS ONLY";
    }
}
