package io.github.threatprotection.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;

import jakarta.persistence.EntityManager;

import org.hibernate.Session;
import org.keycloak.connections.jpa.util.JpaUtils;

import io.github.threatprotection.Json;
import io.github.threatprotection.decision.ReplayFacts;
import io.github.threatprotection.decision.Simulation;
import io.github.threatprotection.decision.SignInReplay;
import io.github.threatprotection.network.ClientAddress;
import io.github.threatprotection.risk.AuthenticationMethod;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.NotificationKind;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.risk.RiskReason;
import io.github.threatprotection.risk.RiskSignal;
import io.github.threatprotection.risk.SignInObservation;

/**
 * Feeds a realm's stored events of a time range to a {@link Simulation}, streamed: one query over the REALM_ID +
 * EVENT_TIME index, read in batches of {@link #FETCH_SIZE} rows (a cursor on PostgreSQL, which needs the
 * transaction Keycloak's request has), each row replayed and dropped before the next is read. Only the columns a
 * replay's outcome depends on are read: the address only when an IP list could hold it, the reasons only of rows
 * without facts, never the network, country or ASN. Plain JDBC, read-only.
 */
public final class StoredEventReplay {

    static final int FETCH_SIZE = 2_000;
    /** Parsed addresses kept for the rows that follow: sign-ins come from far fewer addresses than there are. */
    private static final int ADDRESSES_KEPT = 10_000;
    /** Decoded facts kept for the rows that follow: many sign-ins record the very same facts. */
    private static final int FACTS_KEPT = 10_000;

    private StoredEventReplay() {
    }

    /** Replays the realm's events from {@code from} (inclusive) to {@code to} (exclusive) in the request's connection. */
    public static void replay(EntityManager em, String realmId, Instant from, Instant to, String clientId,
                              Simulation simulation) {
        String table = JpaUtils.getTableNameForNativeQuery("TP_RISK_EVENT", em);
        em.unwrap(Session.class).doWork(connection -> replay(connection, table, realmId, from, to, clientId,
                simulation));
    }

    /** As {@link #replay(EntityManager, String, Instant, Instant, String, Simulation)}, on a connection in a transaction. */
    public static void replay(Connection connection, String table, String realmId, Instant from, Instant to,
                              String clientId, Simulation simulation) throws SQLException {
        // The address decides only through an IP list; without one it is not even read.
        String sql = "SELECT ID, USER_ID, CLIENT_ID, EVENT_TYPE, RISK_LEVEL, RISK_ACTION, AUTH_METHOD, MFA_OUTCOME,"
                + " COMPROMISED_CREDENTIALS, FEEDBACK_VALUE, NOTIFY_KIND, FACTS, CASE WHEN FACTS IS NULL THEN REASONS END"
                + (simulation.usesAddresses() ? ", IP_ADDRESS" : "") + " FROM " + table
                + " WHERE REALM_ID = ? AND EVENT_TIME >= ? AND EVENT_TIME < ?"
                + (clientId == null ? "" : " AND CLIENT_ID = ?");
        Map<String, ClientAddress> addresses = new LinkedHashMap<>(ADDRESSES_KEPT * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ClientAddress> eldest) {
                return size() > ADDRESSES_KEPT;
            }
        };
        Map<String, ReplayFacts> decoded = new LinkedHashMap<>(FACTS_KEPT * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ReplayFacts> eldest) {
                return size() > FACTS_KEPT;
            }
        };
        try (PreparedStatement statement = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY,
                ResultSet.CONCUR_READ_ONLY)) {
            statement.setFetchSize(FETCH_SIZE);
            statement.setString(1, realmId);
            statement.setLong(2, from.toEpochMilli());
            statement.setLong(3, to.toEpochMilli());
            if (clientId != null) {
                statement.setString(4, clientId);
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    add(rows, addresses, decoded, simulation);
                }
            }
        }
    }

    private static void add(ResultSet row, Map<String, ClientAddress> addresses, Map<String, ReplayFacts> decoded,
                            Simulation simulation)
            throws SQLException {
        EventType type = EventType.valueOf(row.getString(4));
        RiskLevel level = RiskLevel.valueOf(row.getString(5));
        RiskAction action = RiskAction.valueOf(row.getString(6));
        String method = row.getString(7);
        boolean mfaChallenged = row.getString(8) != null;
        boolean compromised = row.getBoolean(9);
        String feedback = row.getString(10);
        String notifyKind = row.getString(11);
        String factsText = row.getString(12);
        ReplayFacts facts;
        boolean locked = false;
        if (factsText != null) {
            facts = decoded.computeIfAbsent(factsText, ReplayFacts::decode);
        } else {
            List<RiskReason> reasons = reasons(row.getString(13));
            locked = reasons.stream()
                    .anyMatch(reason -> RiskSignal.ACCOUNT_LOCKED.name().equals(reason.signal())
                            || RiskSignal.LEGACY_ACCOUNT_LOCKED.equals(reason.signal()));
            facts = ReplayFacts.fromReasons(reasons, compromised, mfaChallenged);
        }
        boolean passwordEntrance = method == null ? type == EventType.SIGN_IN
                : AuthenticationMethod.PASSWORD.name().equals(method);
        // With privacy.storeNetworkOnly the event keeps a network: its first address stands in for the address.
        String ip = simulation.usesAddresses() ? row.getString(14) : null;
        String addressText = ip == null ? null : ip.indexOf('/') < 0 ? ip : ip.substring(0, ip.indexOf('/'));
        ClientAddress address = addressText == null ? ClientAddress.of(null)
                : addresses.computeIfAbsent(addressText, ClientAddress::of);
        // Network, country and ASN would only be named in reasons, which a simulation's counts never show.
        SignInReplay.Event event = new SignInReplay.Event(type, passwordEntrance, address,
                new SignInObservation(null, ip, null, null, null, null, null, null, null, false), facts, locked);
        SignInReplay.Outcome recorded = new SignInReplay.Outcome(level, action,
                notifyKind == null ? null : NotificationKind.valueOf(notifyKind));
        Boolean confirmed = feedback == null ? null : Feedback.Value.VALID.name().equals(feedback);
        simulation.add(row.getString(1), row.getString(2), row.getString(3), event, recorded, confirmed);
    }

    private static List<RiskReason> reasons(String json) {
        if (json == null || json.isEmpty()) {
            return List.of();
        }
        try {
            return List.of(Json.MAPPER.readValue(json, RiskReason[].class));
        } catch (JsonProcessingException e) {
            // An unreadable row replays as not replayable rather than failing the whole simulation.
            return List.of(new RiskReason(RiskSignal.RISK_EVALUATION_FAILED, 0, "unreadable reasons"));
        }
    }
}
