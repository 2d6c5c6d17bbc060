package io.github.threatprotection.notification;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.persistence.EntityManager;

import io.github.threatprotection.history.NotificationStatus;
import io.github.threatprotection.history.RiskEventEntity;
import io.github.threatprotection.history.RiskEventStore;
import io.github.threatprotection.risk.NotificationKind;

/**
 * The notification outbox: the notification columns of the risk event rows, which a sign-in writes with its
 * event (in {@link RiskEventStore#add}) and the {@link NotificationSender} works through. Keeping the queue on
 * the event row needs no second write per mail and cannot lose a mail its event kept.
 */
public final class NotificationOutbox {

    private final EntityManager em;

    public NotificationOutbox(EntityManager em) {
        this.em = em;
    }

    /**
     * Gives a stored event without a notification a pending one, claimed by this node until {@code claimedUntil}
     * as {@link RiskEventStore#add} does for one written with its event; false when the event is gone or has one.
     */
    boolean addPending(String eventId, NotificationKind kind, Instant now, String linkBase, Instant claimedUntil) {
        RiskEventEntity entity = em.find(RiskEventEntity.class, eventId);
        if (entity == null || entity.getNotifyStatus() != null) {
            return false;
        }
        entity.setNotifyKind(kind.name());
        entity.setNotifyStatus(NotificationStatus.PENDING.name());
        entity.setNotifyAttempts(0);
        entity.setNotifyNextAt(now.toEpochMilli());
        entity.setNotifyLinkBase(linkBase);
        entity.setNotifyLeaseUntil(claimedUntil.toEpochMilli());
        return true;
    }

    /** Ids of pending notifications that are due and that no node is sending, oldest first. */
    List<String> due(Instant now, int max) {
        return em.createQuery("select e.id from RiskEventEntity e where e.notifyStatus = :pending"
                        + " and e.notifyNextAt <= :now"
                        + " and (e.notifyLeaseUntil is null or e.notifyLeaseUntil < :now)"
                        + " order by e.notifyNextAt", String.class)
                .setParameter("pending", NotificationStatus.PENDING.name())
                .setParameter("now", now.toEpochMilli())
                .setMaxResults(max)
                .getResultList();
    }

    /**
     * Takes a pending notification for delivery until {@code leaseUntil}, in one conditional update, so two
     * nodes never send the same e-mail at once; false when it was not pending or another node holds it.
     */
    boolean claim(String eventId, Instant now, Instant leaseUntil) {
        return em.createQuery("update RiskEventEntity e set e.notifyLeaseUntil = :until where e.id = :id"
                        + " and e.notifyStatus = :pending"
                        + " and (e.notifyLeaseUntil is null or e.notifyLeaseUntil < :now)")
                .setParameter("until", leaseUntil.toEpochMilli())
                .setParameter("id", eventId)
                .setParameter("pending", NotificationStatus.PENDING.name())
                .setParameter("now", now.toEpochMilli())
                .executeUpdate() == 1;
    }

    /** A claimed notification's event and the server URL its links start with. */
    Optional<PendingNotification> pending(String eventId) {
        RiskEventEntity entity = em.find(RiskEventEntity.class, eventId);
        if (entity == null || !NotificationStatus.PENDING.name().equals(entity.getNotifyStatus())) {
            return Optional.empty();
        }
        return Optional.of(new PendingNotification(RiskEventStore.fromEntity(entity), entity.getNotifyLinkBase()));
    }

    /**
     * Records the outcome of a delivery attempt and releases the claim.
     *
     * @param nextAttempt when to try again while the status stays PENDING; ignored otherwise
     */
    void recordAttempt(String eventId, NotificationStatus status, String detail, Instant nextAttempt) {
        RiskEventEntity entity = em.find(RiskEventEntity.class, eventId);
        if (entity == null) {
            return;
        }
        entity.setNotifyStatus(status.name());
        entity.setNotifyDetail(detail);
        entity.setNotifyAttempts((entity.getNotifyAttempts() == null ? 0 : entity.getNotifyAttempts()) + 1);
        entity.setNotifyNextAt(status == NotificationStatus.PENDING ? nextAttempt.toEpochMilli() : null);
        entity.setNotifyLeaseUntil(null);
        if (status != NotificationStatus.PENDING) {
            entity.setNotifyLinkBase(null);
        }
    }
}
