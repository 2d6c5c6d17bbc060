package io.github.threatprotection.load;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * The driver's SQL on the extension's tables, outside every timed part: history and attacks seeded before the
 * run, the run's own events deleted after each batch so a user's history keeps its size, and waiting until no
 * notification is pending.
 */
final class EventTables {

    private static final long MINUTE = TimeUnit.MINUTES.toMillis(1);

    private final Connection db;

    EventTables(Connection db) {
        this.db = db;
    }

    /**
     * Copies the user's first event into {@code copies} earlier sign-ins, 10 minutes apart and newest first, or
     * (otherUsers) into events of 10,000 other users spread over the last 90 days.
     */
    void copyFirstEvent(LoadRealm realm, String username, int copies, boolean otherUsers) throws SQLException {
        String userId = realm.realm.userId(username);
        String sql = "insert into tp_risk_event (id, realm_id, user_id, client_id, event_type, event_time, response,"
                + " risk_level, risk_action, enforced, compromised_credentials, reasons, ip_address, device_name, city,"
                + " country, network, asn, latitude, longitude, accuracy_km, device_id)"
                + " select gen_random_uuid()::text, realm_id, "
                + (otherUsers ? "'other-user-' || (g % 10000)" : "user_id")
                + ", client_id, event_type, "
                + (otherUsers ? "? - (1 + (random() * 90 * 1440)::bigint) * 60000" : "? - g::bigint * " + 10 * MINUTE)
                + ", response, 'LOW', 'NO_ACTION', enforced, compromised_credentials, '[]', ip_address, device_name,"
                + " city, country, network, asn, latitude, longitude, accuracy_km, device_id"
                + " from tp_risk_event e, generate_series(1, ?) g where e.id = (select id from tp_risk_event"
                + " where realm_id = ? and user_id = ? order by event_time limit 1)";
        try (PreparedStatement insert = db.prepareStatement(sql)) {
            insert.setLong(1, realm.runStart);
            insert.setInt(2, copies);
            insert.setString(3, realm.realmId);
            insert.setString(4, userId);
            int rows = insert.executeUpdate();
            if (rows != copies) {
                throw new IllegalStateException("inserted " + rows + " events for " + username + " in " + realm.name);
            }
        }
    }

    /**
     * Failed sign-ins from every network the realm's users signed in from, for 20,000 usernames, dated from 10
     * minutes ago onwards 100 ms apart, so that a run of a few hours finds all of them inside the (15-minute)
     * velocity window; a sign-in from one of these networks is then one from the attacking network of
     * {@code VelocityReadBenchmark}. Returns how many were inserted.
     */
    int seedAttack(LoadRealm realm, int perNetwork) throws SQLException {
        try (PreparedStatement insert = db.prepareStatement("insert into tp_failed_sign_in"
                + " (id, realm_id, user_key, network, failed_at)"
                + " select gen_random_uuid()::text, ?, 'sprayed-' || (g % 20000), homes.network, ? + g * 100"
                + " from (select distinct network from tp_risk_event where realm_id = ? and network is not null)"
                + " homes, generate_series(1, ?) g");
             Statement statement = db.createStatement()) {
            insert.setString(1, realm.realmId);
            insert.setLong(2, System.currentTimeMillis() - 10 * MINUTE);
            insert.setString(3, realm.realmId);
            insert.setInt(4, perNetwork);
            int rows = insert.executeUpdate();
            statement.execute("vacuum analyze tp_failed_sign_in");
            return rows;
        }
    }

    /** Deletes the events the realm's sign-ins added during the run, except those whose mail is still pending. */
    void deleteRunEvents(LoadRealm realm) throws SQLException {
        if (realm.runStart < 0) {
            return;
        }
        try (PreparedStatement delete = db.prepareStatement("delete from tp_risk_event where realm_id = ?"
                + " and event_time >= ? and (notify_status is null or notify_status <> 'PENDING')")) {
            delete.setString(1, realm.realmId);
            delete.setLong(2, realm.runStart);
            delete.executeUpdate();
        }
    }

    void awaitNotifications() throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            try (Statement statement = db.createStatement();
                 ResultSet pending = statement.executeQuery(
                         "select count(*) from tp_risk_event where notify_status = 'PENDING'")) {
                pending.next();
                if (pending.getLong(1) == 0) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("notifications still pending after 2 minutes");
    }

    /** Refreshes the planner's statistics of the events table and says how many events it holds. */
    long analyzeEvents() throws SQLException {
        try (Statement statement = db.createStatement()) {
            statement.execute("vacuum analyze tp_risk_event");
            try (ResultSet count = statement.executeQuery("select count(*) from tp_risk_event")) {
                count.next();
                return count.getLong(1);
            }
        }
    }
}
