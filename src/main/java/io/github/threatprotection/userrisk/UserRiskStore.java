package io.github.threatprotection.userrisk;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import io.github.threatprotection.AfterCommit;
import io.github.threatprotection.Enums;
import io.github.threatprotection.Json;
import io.github.threatprotection.risk.UserRisk;

/**
 * Reads and writes a user's risk. Two user attributes: the state alone (absent for {@code NONE}), which
 * Keycloak's user search finds users by, and the latest changes as JSON. Reading them costs nothing more than
 * the user Keycloak has loaded already; writes happen only when the risk changes.
 */
public final class UserRiskStore {

    private static final Logger LOG = Logger.getLogger(UserRiskStore.class);

    /** The state, {@code AT_RISK} or {@code COMPROMISED}; absent when the user is not at risk. */
    public static final String STATE_ATTRIBUTE = "threatProtection.userRisk";
    /** The latest changes, JSON. */
    static final String CHANGES_ATTRIBUTE = "threatProtection.userRiskChanges";

    private UserRiskStore() {
    }

    /** The user's state, from the one attribute: what every sign-in reads. */
    public static UserRisk.State state(UserModel user) {
        UserRisk.State state = Enums.named(UserRisk.State.class, user.getFirstAttribute(STATE_ATTRIBUTE));
        return state == null ? UserRisk.State.NONE : state;
    }

    public static UserRisk read(UserModel user) {
        UserRisk.State state = state(user);
        String changes = user.getFirstAttribute(CHANGES_ATTRIBUTE);
        return new UserRisk(state, changes == null ? List.of() : parseChanges(changes, user.getId()));
    }

    /**
     * Raises the user's risk, unless it is already there for the same cause: a repeated trigger (every sign-in
     * of a user at risk may be HIGH) writes nothing. Returns whether it was written.
     */
    public static boolean raise(UserModel user, UserRisk.State to, UserRisk.Cause cause, String eventId,
                                String detail) {
        UserRisk risk = read(user);
        if (to.compareTo(risk.state()) <= 0
                && risk.reasons().stream().anyMatch(change -> change.cause() == cause)) {
            return false;
        }
        write(user, risk.raise(to, cause, now(), eventId, detail));
        return true;
    }

    /** Back to NONE; returns false (and writes nothing) when the user was not at risk. */
    public static boolean clear(UserModel user, UserRisk.Cause cause, String detail) {
        UserRisk risk = read(user);
        if (risk.state() == UserRisk.State.NONE) {
            return false;
        }
        write(user, risk.clear(cause, now(), detail));
        return true;
    }

    /**
     * Raises the user's risk in a transaction of its own once the request's has committed, off the request
     * thread: a sign-in refused for a breached password must answer as fast as a wrong password, so its writes
     * come after the answer (as the account lock's do). Lost to a crash in between, the next such sign-in raises it.
     */
    public static void raiseAfterCommit(KeycloakSession session, Executor executor, RealmModel realm, UserModel user,
                                        UserRisk.State to, UserRisk.Cause cause, String eventId) {
        AfterCommit.forUser(session, executor, realm, user, "Raising the risk to " + to,
                (background, inRealm, inUser) -> raise(inUser, to, cause, eventId, null));
    }

    /**
     * The realm's users in a state, or in either state when {@code state} is null (COMPROMISED first), through
     * Keycloak's user search by attribute: the database finds them, never a scan of all users.
     */
    public static Stream<UserModel> search(KeycloakSession session, RealmModel realm, UserRisk.State state,
                                           int first, int max) {
        if (state != null) {
            return session.users().searchForUserStream(realm, query(state), first, max);
        }
        int compromised = count(session, realm, UserRisk.State.COMPROMISED);
        Stream<UserModel> fromCompromised = first < compromised
                ? session.users().searchForUserStream(realm, query(UserRisk.State.COMPROMISED), first, max)
                : Stream.empty();
        int taken = Math.max(0, Math.min(max, compromised - first));
        if (taken >= max) {
            return fromCompromised;
        }
        return Stream.concat(fromCompromised, session.users().searchForUserStream(realm,
                query(UserRisk.State.AT_RISK), Math.max(0, first - compromised), max - taken));
    }

    public static int count(KeycloakSession session, RealmModel realm, UserRisk.State state) {
        return session.users().getUsersCount(realm, query(state));
    }

    private static Map<String, String> query(UserRisk.State state) {
        if (state == UserRisk.State.NONE) {
            throw new IllegalArgumentException("users not at risk are not searched for");
        }
        return Map.of(STATE_ATTRIBUTE, state.name(), UserModel.EXACT, "true");
    }

    private static void write(UserModel user, UserRisk risk) {
        if (risk.state() == UserRisk.State.NONE) {
            user.removeAttribute(STATE_ATTRIBUTE);
        } else {
            user.setSingleAttribute(STATE_ATTRIBUTE, risk.state().name());
        }
        ArrayNode changes = Json.MAPPER.createArrayNode();
        for (UserRisk.Change change : risk.changes()) {
            ObjectNode node = changes.addObject()
                    .put("state", change.state().name())
                    .put("cause", change.cause().name())
                    .put("time", change.time().toString());
            if (change.eventId() != null) {
                node.put("eventId", change.eventId());
            }
            if (change.detail() != null) {
                node.put("detail", change.detail());
            }
        }
        user.setSingleAttribute(CHANGES_ATTRIBUTE, Json.write(changes));
    }

    /** Unreadable changes (edited by hand) are logged and read as none: the state attribute still holds. */
    private static List<UserRisk.Change> parseChanges(String text, String userId) {
        List<UserRisk.Change> changes = new ArrayList<>();
        try {
            for (JsonNode node : Json.read(text)) {
                UserRisk.State state = Enums.named(UserRisk.State.class, node.path("state").asText());
                UserRisk.Cause cause = Enums.named(UserRisk.Cause.class, node.path("cause").asText());
                if (state == null || cause == null) {
                    continue;
                }
                changes.add(new UserRisk.Change(state, cause, Instant.parse(node.path("time").asText()),
                        node.hasNonNull("eventId") ? node.get("eventId").asText() : null,
                        node.hasNonNull("detail") ? node.get("detail").asText() : null));
            }
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warnf("The risk changes of user %s cannot be read (%s); they are shown as none", userId,
                    e.getMessage());
            return List.of();
        }
        return changes;
    }

    private static Instant now() {
        return Instant.ofEpochMilli(Time.currentTimeMillis());
    }
}
