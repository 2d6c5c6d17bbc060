package io.github.threatprotection.load;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.TestRealm;

/**
 * Creates the run's realms on this build's server, with their users, SMTP and protection settings, and gives the
 * C realms their history:
 * <ul>
 *   <li>A: Keycloak's own browser flow;</li>
 *   <li>B: the {@code threat-protection} step in AUDIT mode, default settings;</li>
 *   <li>C: ENFORCED with every signal: the breach corpus, City and ASN databases, 10,000-entry alwaysAllow and
 *       alwaysBlock lists and the reputation list, 1,000 earlier sign-ins per user, NO_ACTION with a
 *       notification e-mail at every level, so each sign-in completes and sends a mail;</li>
 *   <li>C-quiet (option quiet): C without notifications ({@code notify: false} at every level);</li>
 *   <li>C10, C100k, C1M (option curve): C with 10 or 100,000 earlier sign-ins for the user, or 1,000 for the
 *       user among 1,000,000 events in the realm;</li>
 *   <li>C-main and A-main (option baseline): realms C and A through the second server.</li>
 * </ul>
 */
final class RealmSetup {

    /** Earlier sign-ins per user in each realm with a history. */
    private static final Map<String, Integer> HISTORY = Map.of("C", 1_000, "C-quiet", 1_000, "C10", 10,
            "C100k", 100_000, "C1M", 1_000);

    private final AdminApi admin;
    private final RunningServer server;
    private final Map<String, String> smtp;
    private final LoadData.Data data;
    private final EventTables events;

    RealmSetup(RunningServer server, Map<String, String> smtp, LoadData.Data data, EventTables events) {
        this.admin = new AdminApi(server.keycloak().baseUrl());
        this.server = server;
        this.smtp = smtp;
        this.data = data;
        this.events = events;
    }

    /** Realms A, B and C, and C-quiet and the curve's realms if asked for, by name, in this order. */
    Map<String, LoadRealm> create(boolean quiet, boolean curve) {
        Map<String, LoadRealm> realms = new LinkedHashMap<>();
        add(realms, "A", "load-a", null);
        add(realms, "B", "load-b", Map.of("mode", "AUDIT"));
        ObjectNode enforced = enforcedSettings();
        add(realms, "C", "load-c", enforced);
        if (quiet) {
            ObjectNode withoutMail = enforced.deepCopy();
            withoutMail.withObject("/accountTakeover").properties()
                    .forEach(level -> ((ObjectNode) level.getValue()).put("notify", false));
            add(realms, "C-quiet", "load-cq", withoutMail);
        }
        if (curve) {
            add(realms, "C10", "load-c10", enforced);
            add(realms, "C100k", "load-c100k", enforced);
            add(realms, "C1M", "load-c1m", enforced);
        }
        return realms;
    }

    /**
     * Adds C-main and A-main: realms C and A through the second server. A-main is plain Keycloak on that server,
     * and C-main's added cost is taken against it, so that what differs between the two servers (JIT and cache
     * state, their share of the cores) cancels out.
     */
    static void addSecondServer(Map<String, LoadRealm> realms, RunningServer second) {
        realms.put("C-main", realms.get("C").through("C-main", second));
        realms.put("A-main", realms.get("A").through("A-main", second));
    }

    /** The realm, its users with e-mail addresses, its SMTP server, and its settings (null: unprotected). */
    private void add(Map<String, LoadRealm> realms, String name, String realmName, Object settings) {
        TestRealm realm = settings == null ? TestRealm.createWithoutProtection(admin, realmName)
                : TestRealm.create(admin, realmName);
        for (int i = 0; i < LoadRealm.USERS; i++) {
            realm.addUser("user-" + i);
        }
        // Keycloak's default: no event storage (the extension's own listener is global and needs none)
        realm.update(Map.of("eventsEnabled", false, "smtpServer", smtp));
        if (settings != null) {
            realm.saveSettings(settings);
        }
        String realmId = AdminApi.ok(admin.get("/" + realmName)).get("id").asText();
        realms.put(name, new LoadRealm(name, realm, realmId, data.homes(), server));
    }

    private ObjectNode enforcedSettings() {
        ObjectNode document = AdminApi.JSON.createObjectNode().put("mode", "ENFORCED");
        ObjectNode takeover = document.putObject("accountTakeover");
        for (String level : List.of("low", "medium", "high")) {
            takeover.putObject(level).put("action", "NO_ACTION").put("notify", true);
        }
        ObjectNode lists = document.putObject("ipExceptions");
        ArrayNode allow = lists.putArray("alwaysAllow");
        data.alwaysAllow().forEach(allow::add);
        ArrayNode block = lists.putArray("alwaysBlock");
        data.alwaysBlock().forEach(block::add);
        return document;
    }

    /**
     * Signs every user of the C realms in once (that gives each its device cookie and a real event), then copies
     * that event into the user's history: 1,000 earlier sign-ins in C and C-quiet, 10 in C10, 100,000 in C100k,
     * 1,000 in C1M, which also gets 999,000 events of 10,000 other users. Only realm C's users all sign in; the
     * other C realms are signed in to by one user. Returns how many events the table then holds.
     */
    long seedHistory(Map<String, LoadRealm> realms) throws Exception {
        for (LoadRealm realm : realms.values()) {
            if (!HISTORY.containsKey(realm.name)) {
                continue;
            }
            realm.runStart = System.currentTimeMillis();
            int users = realm.name.equals("C") ? LoadRealm.USERS : 1;
            for (int i = 0; i < users; i++) {
                realm.signIn(i);
            }
            for (int i = 0; i < users; i++) {
                events.copyFirstEvent(realm, "user-" + i, HISTORY.get(realm.name), false);
            }
            if (realm.name.equals("C1M")) {
                events.copyFirstEvent(realm, "user-0", 999_000, true);
            }
        }
        events.awaitNotifications();
        for (LoadRealm realm : realms.values()) {
            events.deleteRunEvents(realm);
        }
        return events.analyzeEvents();
    }
}
