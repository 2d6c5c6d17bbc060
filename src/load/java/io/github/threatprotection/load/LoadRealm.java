package io.github.threatprotection.load;

import java.util.List;

import io.github.threatprotection.it.support.Browser;
import io.github.threatprotection.it.support.TestRealm;

/**
 * One realm under load, reached through one server: its users, one per sign-in thread, each signing in from its
 * own home network with a browser of its own (own cookie jar, own connection).
 */
final class LoadRealm {

    /** Users per realm, and so the most sign-in threads a realm can keep busy. */
    static final int USERS = 8;
    private static final String DEVICE_COOKIE = "KC_THREAT_PROTECTION_DEVICE";
    /** The realms of the history-size curve. */
    private static final List<String> CURVE_POINTS = List.of("C10", "C100k", "C1M");

    final String name;
    final TestRealm realm;
    final String realmId;
    final RunningServer server;
    private final List<LoadData.Place> homes;
    private final Browser[] browsers = new Browser[USERS];
    /** For C realms: events at or after this time are the run's own and are deleted after each batch. */
    long runStart = -1;

    LoadRealm(String name, TestRealm realm, String realmId, List<LoadData.Place> homes, RunningServer server) {
        this.name = name;
        this.realm = realm;
        this.realmId = realmId;
        this.server = server;
        this.homes = homes;
        for (int i = 0; i < USERS; i++) {
            browsers[i] = new Browser(server.keycloak().baseUrl(), homes.get(i).address(10));
        }
    }

    /** The same realm and users through another server, each user on the device this realm's browser has. */
    LoadRealm through(String otherName, RunningServer other) {
        LoadRealm copy = new LoadRealm(otherName, realm, realmId, homes, other);
        copy.runStart = runStart;
        for (int i = 0; i < USERS; i++) {
            String device = browsers[i].cookie(DEVICE_COOKIE);
            if (device != null) {
                copy.browsers[i].setCookie(DEVICE_COOKIE, device);
            }
        }
        return copy;
    }

    /** Whether this realm is a point of the history-size curve, measured at concurrency 1 only, in half batches. */
    boolean curvePoint() {
        return CURVE_POINTS.contains(name);
    }

    /** The key of a realm's results at a concurrency, as the report's tables name them. */
    static String key(String name, int concurrency) {
        return name + "@" + concurrency;
    }

    /**
     * One sign-in of a user as a returning user on a known device (only the device cookie kept): login page, form
     * POST, redirect with the code, code exchange. Its time in ns.
     */
    long signIn(int user) {
        Browser browser = browsers[user];
        browser.keepOnlyCookie(DEVICE_COOKIE);
        long begin = System.nanoTime();
        Browser.Result result = browser.signIn(realm.name(), TestRealm.CLIENT, "user-" + user, TestRealm.PASSWORD);
        if (!result.signedIn()) {
            throw new IllegalStateException(name + ": sign-in of user-" + user + " failed with "
                    + result.status() + ":\n" + result.page());
        }
        browser.exchangeCode(realm.name(), TestRealm.CLIENT, result.code());
        return System.nanoTime() - begin;
    }
}
