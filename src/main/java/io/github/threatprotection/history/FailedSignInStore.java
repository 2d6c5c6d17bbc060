package io.github.threatprotection.history;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.EntityManager;

/**
 * Failed sign-ins for the velocity signals and for throttling, and the throttles they led to. Each failure is its
 * own row, so parallel failures are all counted (no read-modify-write of a counter); rows older than the longest
 * window are purged.
 */
public final class FailedSignInStore {

    /** How many failures came from one source, and when the first and last of them did. */
    public record SourceFailures(int count, Instant first, Instant last) {
        static final SourceFailures NONE = new SourceFailures(0, null, null);
    }

    /** One time a source was throttled; {@code failures} were counted when it was. */
    public record Throttle(String source, String scope, int failures, Instant throttledAt, Instant expiresAt) {
    }

    private final EntityManager em;

    public FailedSignInStore(EntityManager em) {
        this.em = em;
    }

    /**
     * @param network the client's network, as the velocity signals count it
     * @param address the client's address, as throttling per address counts it
     */
    public void add(String realmId, String userKey, String network, String address, Instant time) {
        FailedSignInEntity entity = new FailedSignInEntity();
        entity.setId(UUID.randomUUID().toString());
        entity.setRealmId(realmId);
        entity.setUserKey(userKey);
        entity.setNetwork(network);
        entity.setAddress(address);
        entity.setFailedAt(time.toEpochMilli());
        em.persist(entity);
    }

    /**
     * The failures from one source since a time, whatever the usernames; walks the source's index entries in
     * that range.
     *
     * @param byNetwork whether {@code source} is a network (else an address)
     */
    public SourceFailures fromSource(String realmId, boolean byNetwork, String source, Instant since) {
        // The failure just added must be among those counted.
        em.flush();
        Object[] row = (Object[]) em.createQuery("select count(f), min(f.failedAt), max(f.failedAt)"
                        + " from FailedSignInEntity f where f.realmId = :realmId and f." + column(byNetwork)
                        + " = :source and f.failedAt >= :since")
                .setParameter("realmId", realmId)
                .setParameter("source", source)
                .setParameter("since", since.toEpochMilli())
                .getSingleResult();
        return failures(row[0], row[1], row[2]);
    }

    /** As {@link #fromSource} for several sources at once, in one query; sources without failures are left out. */
    public Map<String, SourceFailures> fromSources(String realmId, boolean byNetwork, Collection<String> sources,
                                                   Instant since) {
        Map<String, SourceFailures> found = new HashMap<>();
        if (sources.isEmpty()) {
            return found;
        }
        String column = column(byNetwork);
        List<?> rows = em.createQuery("select f." + column + ", count(f), min(f.failedAt), max(f.failedAt)"
                        + " from FailedSignInEntity f where f.realmId = :realmId and f." + column
                        + " in :sources and f.failedAt >= :since group by f." + column)
                .setParameter("realmId", realmId)
                .setParameter("sources", sources)
                .setParameter("since", since.toEpochMilli())
                .getResultList();
        for (Object result : rows) {
            Object[] row = (Object[]) result;
            found.put((String) row[0], failures(row[1], row[2], row[3]));
        }
        return found;
    }

    /** Failed sign-ins of one network since a time, and how many usernames they tried. */
    public record NetworkFailures(String network, int failures, int usernames) {
    }

    /** The realm's failed sign-ins since a time, per minute (minutes since the epoch, those with failures). */
    public Map<Long, Integer> perMinute(String realmId, Instant since) {
        List<?> rows = em.createQuery("select f.failedAt / 60000, count(f) from FailedSignInEntity f"
                        + " where f.realmId = :realmId and f.failedAt >= :since group by f.failedAt / 60000")
                .setParameter("realmId", realmId)
                .setParameter("since", since.toEpochMilli())
                .getResultList();
        Map<Long, Integer> minutes = new HashMap<>();
        for (Object result : rows) {
            Object[] row = (Object[]) result;
            minutes.merge((long) Math.floor(((Number) row[0]).doubleValue()), ((Number) row[1]).intValue(),
                    Integer::sum);
        }
        return minutes;
    }

    /** The networks with the most failed sign-ins since a time, most first. */
    public List<NetworkFailures> topNetworks(String realmId, Instant since, int max) {
        return em.createQuery("select f.network, count(f), count(distinct f.userKey) from FailedSignInEntity f"
                        + " where f.realmId = :realmId and f.failedAt >= :since and f.network is not null"
                        + " group by f.network order by count(f) desc", Object[].class)
                .setParameter("realmId", realmId)
                .setParameter("since", since.toEpochMilli())
                .setMaxResults(max)
                .getResultStream()
                .map(row -> new NetworkFailures((String) row[0], ((Number) row[1]).intValue(),
                        ((Number) row[2]).intValue()))
                .toList();
    }

    private static String column(boolean byNetwork) {
        return byNetwork ? "network" : "address";
    }

    private static SourceFailures failures(Object count, Object first, Object last) {
        int n = ((Number) count).intValue();
        if (n == 0) {
            return SourceFailures.NONE;
        }
        return new SourceFailures(n, Instant.ofEpochMilli(((Number) first).longValue()),
                Instant.ofEpochMilli(((Number) last).longValue()));
    }

    /** Records that a source was throttled. */
    public void addThrottle(String realmId, Throttle throttle) {
        ThrottleEntity entity = new ThrottleEntity();
        entity.setId(UUID.randomUUID().toString());
        entity.setRealmId(realmId);
        entity.setSource(throttle.source());
        entity.setScope(throttle.scope());
        entity.setFailures(throttle.failures());
        entity.setThrottledAt(throttle.throttledAt().toEpochMilli());
        entity.setExpiresAt(throttle.expiresAt().toEpochMilli());
        em.persist(entity);
    }

    /** The throttles in force at {@code now} (not expired, not released), the latest first. */
    public List<Throttle> activeThrottles(String realmId, Instant now, int first, int max) {
        return em.createQuery("select t from ThrottleEntity t where t.realmId = :realmId and t.expiresAt > :now"
                        + " and t.releasedAt is null order by t.throttledAt desc", ThrottleEntity.class)
                .setParameter("realmId", realmId)
                .setParameter("now", now.toEpochMilli())
                .setFirstResult(first)
                .setMaxResults(max)
                .getResultStream()
                .map(t -> new Throttle(t.getSource(), t.getScope(), t.getFailures(),
                        Instant.ofEpochMilli(t.getThrottledAt()), Instant.ofEpochMilli(t.getExpiresAt())))
                .toList();
    }

    /** Marks a source's throttles in force as released; answers how many there were. */
    public int releaseThrottle(String realmId, String source, Instant now) {
        return em.createQuery("update ThrottleEntity t set t.releasedAt = :now where t.realmId = :realmId"
                        + " and t.source = :source and t.expiresAt > :now and t.releasedAt is null")
                .setParameter("realmId", realmId)
                .setParameter("source", source)
                .setParameter("now", now.toEpochMilli())
                .executeUpdate();
    }

    /** Deletes failures older than {@code cutoff}, and throttles that ended before it. */
    public int deleteOlderThan(Instant cutoff) {
        em.createQuery("delete from ThrottleEntity t where t.expiresAt < :cutoff")
                .setParameter("cutoff", cutoff.toEpochMilli())
                .executeUpdate();
        return em.createQuery("delete from FailedSignInEntity f where f.failedAt < :cutoff")
                .setParameter("cutoff", cutoff.toEpochMilli())
                .executeUpdate();
    }

    public int deleteForRealm(String realmId) {
        em.createQuery("delete from ThrottleEntity t where t.realmId = :realmId")
                .setParameter("realmId", realmId)
                .executeUpdate();
        return em.createQuery("delete from FailedSignInEntity f where f.realmId = :realmId")
                .setParameter("realmId", realmId)
                .executeUpdate();
    }
}
