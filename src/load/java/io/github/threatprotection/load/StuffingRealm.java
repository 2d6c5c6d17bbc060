package io.github.threatprotection.load;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.github.threatprotection.it.support.AdminApi;
import io.github.threatprotection.it.support.TestRealm;

/**
 * One realm of the credential-stuffing run: its legitimate users, each signing in by direct grant from a network
 * of its own at a steady rate, and the members the breach list names, whom the attack tries with wrong passwords
 * from the attacking networks.
 */
final class StuffingRealm {

    /** The legitimate users' thread name prefix. */
    static final String LEGITIMATE_THREAD = "stuffing-legit-";
    static final String ATTACK_THREAD = "stuffing-attack-";

    final String name;
    final String realmName;
    private final AdminApi legitimateHttp;
    private final AdminApi attackHttp;
    private final List<String> homes;

    StuffingRealm(AdminApi admin, String baseUrl, String name, List<String> homes, int members,
                  Map<String, Object> settings) throws Exception {
        this.name = name;
        this.realmName = "stuffing-" + name;
        this.homes = homes;
        this.legitimateHttp = new AdminApi(baseUrl);
        this.attackHttp = new AdminApi(baseUrl);
        TestRealm realm = TestRealm.createWithoutProtection(admin, realmName);
        realm.update(Map.of("eventsEnabled", false));
        if (settings != null) {
            HttpResponse<String> installed = admin.post("/" + realmName + "/threat-protection/flows", null);
            if (installed.statusCode() != 201) {
                throw new IllegalStateException("installing the flows answered " + installed.statusCode() + ": "
                        + installed.body());
            }
            realm.saveSettings(settings);
        }
        List<String> usernames = new ArrayList<>();
        for (int i = 0; i < homes.size(); i++) {
            usernames.add(legitimateUser(i));
        }
        for (int i = 0; i < members; i++) {
            usernames.add(member(i));
        }
        // Each user's password is hashed as it is created: four at a time on the two cores.
        ExecutorService creating = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> created = new ArrayList<>();
            for (String username : usernames) {
                created.add(creating.submit(() -> realm.addUser(username)));
            }
            for (Future<?> user : created) {
                user.get();
            }
        } finally {
            creating.shutdown();
        }
    }

    static String legitimateUser(int i) {
        return "user-" + i;
    }

    static String member(int i) {
        return "member-" + i;
    }

    /**
     * One password grant; its status, the answer counted as unexpected unless it is a success ({@code success})
     * or else the wrong-password answer (status 400 or 401 with error {@code invalid_grant}).
     */
    private static int grant(AdminApi http, String realmName, String username, String password, String address,
                             boolean success, Outcomes outcomes) {
        HttpResponse<String> response;
        try {
            response = http.passwordGrantResponse(realmName, TestRealm.CLIENT, username, password,
                    "X-Forwarded-For", address);
        } catch (RuntimeException e) {
            outcomes.unexpected(e.toString());
            return -1;
        }
        boolean wrongPassword = (response.statusCode() == 400 || response.statusCode() == 401)
                && response.body().contains("\"invalid_grant\"");
        if (success ? response.statusCode() != 200 : !wrongPassword) {
            outcomes.unexpected(response.statusCode() + " " + response.body());
        }
        return response.statusCode();
    }

    /** One sign-in of a legitimate user from its home network, timed. */
    void signIn(int user, Samples samples, Outcomes outcomes) {
        long begin = System.nanoTime();
        int status = grant(legitimateHttp, realmName, legitimateUser(user), TestRealm.PASSWORD, homes.get(user),
                true, outcomes);
        long took = System.nanoTime() - begin;
        if (status == 200) {
            samples.add(took);
        }
    }

    /**
     * Legitimate sign-ins at a steady rate, users in turn, until {@link Steady#stop()}: each started on time
     * whether or not the earlier ones have been answered, so a slow server does not slow the arrivals.
     */
    Steady steady(double perSecond, Samples samples, Outcomes outcomes) {
        return new Steady(this, perSecond, samples, outcomes);
    }

    static final class Steady {

        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        private final ExecutorService running = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, LEGITIMATE_THREAD);
            thread.setDaemon(true);
            return thread;
        });
        private final ScheduledFuture<?> ticking;

        private Steady(StuffingRealm realm, double perSecond, Samples samples, Outcomes outcomes) {
            int users = realm.homes.size();
            ticking = clock.scheduleAtFixedRate(() -> {
                int user = next.getAndIncrement() % users;
                inFlight.incrementAndGet();
                running.execute(() -> {
                    try {
                        realm.signIn(user, samples, outcomes);
                    } finally {
                        inFlight.decrementAndGet();
                    }
                });
            }, 0, Math.round(1e9 / perSecond), TimeUnit.NANOSECONDS);
        }

        /** Stops starting sign-ins and waits for those under way. */
        void stop() throws InterruptedException {
            ticking.cancel(false);
            clock.shutdown();
            clock.awaitTermination(10, TimeUnit.SECONDS);
            while (inFlight.get() > 0) {
                Thread.sleep(20);
            }
            running.shutdown();
        }
    }

    /**
     * The attack: entry {@code i} of the breach list from address {@code i} of the attacking networks (network
     * {@code i mod networks}, the hosts spread within it), on {@code threads} threads as fast as they are
     * answered, or at most {@code perSecond} attempts a second when that is above 0, from where {@code sent}
     * stands until it reaches {@code until} and {@code atLeastNanos} have passed. Every answer is expected to be
     * the wrong-password one.
     */
    void attack(BreachList list, AtomicLong sent, long until, long atLeastNanos, int threads, double perSecond,
                Outcomes outcomes) throws Exception {
        long begin = System.nanoTime();
        long deadline = begin + atLeastNanos;
        AtomicLong started = new AtomicLong();
        ExecutorService attackers = Executors.newFixedThreadPool(threads, new ThreadFactory() {
            private int created;

            @Override
            public synchronized Thread newThread(Runnable task) {
                return new Thread(task, ATTACK_THREAD + created++);
            }
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                running.add(attackers.submit(() -> {
                    while (sent.get() < until || System.nanoTime() < deadline) {
                        if (perSecond > 0) {
                            long due = begin + Math.round(started.getAndIncrement() * 1e9 / perSecond);
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                TimeUnit.NANOSECONDS.sleep(wait);
                            }
                        }
                        long i = sent.getAndIncrement();
                        grant(attackHttp, realmName, list.username(i), list.password(i), list.address(i), false,
                                outcomes);
                        outcomes.attempts.increment();
                    }
                    return null;
                }));
            }
            for (Future<?> attacker : running) {
                attacker.get();
            }
        } finally {
            attackers.shutdown();
        }
    }

    /** What a phase's requests got: attempts sent, answers other than the expected one, the first of them. */
    static final class Outcomes {

        final LongAdder attempts = new LongAdder();
        final LongAdder unexpected = new LongAdder();
        private volatile String first;

        void unexpected(String answer) {
            unexpected.increment();
            if (first == null) {
                first = answer.length() > 300 ? answer.substring(0, 300) : answer;
            }
        }

        String first() {
            return first;
        }
    }
}
