package io.github.threatprotection.history;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.EntityManager;

/**
 * Failed sign-ins for the velocity signals. Each failure is its own row, so parallel failures are all counted
 * (no read-modify-write of a counter); rows older than the longest window are purged.
 */
public final class FailedSignInStore {

    private final EntityManager em;

    public FailedSignInStore(EntityManager em) {
        this.em = em;
    }

    public void add(String realmId, String userKey, String network, Instant time) {
        FailedSignInEntity entity = new FailedSignInEntity();
        entity.setId(UUID.randomUUID().toString());
        entity.setRealmId(realmId);
        entity.setUserKey(userKey);
        entity.setNetwork(network);
        entity.setFailedAt(time.toEpochMilli());
        em.persist(entity);
    }

    public int deleteOlderThan(Instant cutoff) {
        return em.createQuery("delete from FailedSignInEntity f where f.failedAt < :cutoff")
                .setParameter("cutoff", cutoff.toEpochMilli())
                .executeUpdate();
    }

    public int deleteForRealm(String realmId) {
        return em.createQuery("delete from FailedSignInEntity f where f.realmId = :realmId")
                .setParameter("realmId", realmId)
                .executeUpdate();
    }
}
