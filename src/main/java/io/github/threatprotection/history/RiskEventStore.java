package io.github.threatprotection.history;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;

import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;

import io.github.threatprotection.Json;
import io.github.threatprotection.decision.ReplayFacts;
import io.github.threatprotection.decision.Simulation;
import io.github.threatprotection.risk.AuthenticationMethod;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.IpOverride;
import io.github.threatprotection.risk.MfaChallenge;
import io.github.threatprotection.risk.NotificationKind;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskAssessment;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.risk.RiskReason;

/**
 * The event history in Keycloak's database. Writes join the caller's transaction, so an event is stored
 * exactly when the request that produced it commits. An event stored with a pending notification enters the
 * notification outbox; what happens to it there is the outbox's ({@code notification.NotificationOutbox}).
 */
public final class RiskEventStore {

    private final EntityManager em;

    public RiskEventStore(EntityManager em) {
        this.em = em;
    }

    /** Stores an event that has no notification to send. */
    public void add(RiskEvent event) {
        add(event, null, null);
    }

    /**
     * @param notificationLinkBase the server URL the notification's links start with, as the request that
     *                             produced the event saw it (the sender runs outside any request)
     * @param claimedUntil         a pending notification is claimed from the start by the node that writes it,
     *                             which sends it right after the commit; other nodes take it over only after
     *                             this time
     */
    public void add(RiskEvent event, String notificationLinkBase, Instant claimedUntil) {
        add(event, null, notificationLinkBase, claimedUntil);
    }

    /**
     * As {@link #add(RiskEvent, String, Instant)}, with what the event's decision was made from, so that a
     * what-if simulation can decide it again under a draft of the settings.
     */
    public void add(RiskEvent event, ReplayFacts facts, String notificationLinkBase, Instant claimedUntil) {
        RiskEventEntity entity = toEntity(event);
        entity.setFacts(facts == null ? null : facts.encode());
        if (event.notification() != null && event.notification().status() == NotificationStatus.PENDING) {
            entity.setNotifyNextAt(entity.getTime());
            entity.setNotifyLinkBase(notificationLinkBase);
            entity.setNotifyLeaseUntil(claimedUntil.toEpochMilli());
        }
        em.persist(entity);
    }

    /** A user's events, newest first. */
    public List<RiskEvent> listForUser(String realmId, String userId, int first, int max) {
        return em.createQuery("select e from RiskEventEntity e where e.realmId = :realmId and e.userId = :userId"
                        + " order by e.time desc, e.id desc", RiskEventEntity.class)
                .setParameter("realmId", realmId)
                .setParameter("userId", userId)
                .setFirstResult(first)
                .setMaxResults(max)
                .getResultStream()
                .map(RiskEventStore::fromEntity)
                .toList();
    }

    /** Realm-wide events matching the query, newest first. */
    public List<RiskEvent> search(String realmId, EventQuery query) {
        return search(realmId, query, null);
    }

    /**
     * The query's events that come after {@code last} in its order (newest first), at most {@code query.max()},
     * ignoring {@code query.first()}: a reader paging through a long list this way neither skips nor repeats an
     * event when new ones are recorded meanwhile.
     */
    public List<RiskEvent> searchAfter(String realmId, EventQuery query, RiskEvent last) {
        return search(realmId, query, last);
    }

    private List<RiskEvent> search(String realmId, EventQuery query, RiskEvent after) {
        StringBuilder jpql = new StringBuilder("select e from RiskEventEntity e where e.realmId = :realmId");
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("realmId", realmId);
        if (query.from() != null) {
            jpql.append(" and e.time >= :from");
            parameters.put("from", query.from().toEpochMilli());
        }
        if (query.to() != null) {
            jpql.append(" and e.time < :to");
            parameters.put("to", query.to().toEpochMilli());
        }
        if (query.level() != null) {
            jpql.append(" and e.riskLevel = :level");
            parameters.put("level", query.level().name());
        }
        if (query.action() != null) {
            jpql.append(" and e.riskAction = :action");
            parameters.put("action", query.action().name());
        }
        if (query.clientId() != null) {
            jpql.append(" and e.clientId = :clientId");
            parameters.put("clientId", query.clientId());
        }
        if (query.type() != null) {
            jpql.append(" and e.type = :type");
            parameters.put("type", query.type().name());
        }
        if (query.userId() != null) {
            jpql.append(" and e.userId = :userId");
            parameters.put("userId", query.userId());
        }
        if (after != null) {
            jpql.append(" and (e.time < :afterTime or (e.time = :afterTime and e.id < :afterId))");
            parameters.put("afterTime", after.time().toEpochMilli());
            parameters.put("afterId", after.id());
        }
        jpql.append(" order by e.time desc, e.id desc");
        TypedQuery<RiskEventEntity> typed = em.createQuery(jpql.toString(), RiskEventEntity.class);
        parameters.forEach(typed::setParameter);
        return typed.setFirstResult(after == null ? query.first() : 0)
                .setMaxResults(query.max())
                .getResultStream()
                .map(RiskEventStore::fromEntity)
                .toList();
    }

    /** One event of the realm by its id. */
    public Optional<RiskEvent> find(String realmId, String eventId) {
        RiskEventEntity entity = em.find(RiskEventEntity.class, eventId);
        return entity == null || !entity.getRealmId().equals(realmId) ? Optional.empty()
                : Optional.of(fromEntity(entity));
    }

    /**
     * Event counts per UTC day, type, level, action and enforcement, counted by the database (the realm and
     * time condition uses the REALM_ID + EVENT_TIME index).
     */
    public List<EventSummary.Row> summarize(String realmId, Instant from, Instant to) {
        long day = EventSummary.DAY.toMillis();
        return em.createQuery("select e.time - mod(e.time, " + day + "), e.type, e.riskLevel, e.riskAction,"
                        + " e.enforced, count(e) from RiskEventEntity e"
                        + " where e.realmId = :realmId and e.time >= :from and e.time < :to"
                        + " group by e.time - mod(e.time, " + day + "), e.type, e.riskLevel, e.riskAction,"
                        + " e.enforced", Object[].class)
                .setParameter("realmId", realmId)
                .setParameter("from", from.toEpochMilli())
                .setParameter("to", to.toEpochMilli())
                .getResultStream()
                .map(row -> new EventSummary.Row(((Number) row[0]).longValue(), EventType.valueOf((String) row[1]),
                        RiskLevel.valueOf((String) row[2]), RiskAction.valueOf((String) row[3]),
                        (Boolean) row[4], ((Number) row[5]).longValue()))
                .toList();
    }

    /**
     * Feeds the realm's events from {@code from} (inclusive) to {@code to} (exclusive), of one client or all, to a
     * what-if simulation, streamed in the caller's transaction; reads only.
     */
    public void replay(String realmId, Instant from, Instant to, String clientId, Simulation simulation) {
        StoredEventReplay.replay(em, realmId, from, to, clientId, simulation);
    }

    public Optional<RiskEvent> find(String realmId, String userId, String eventId) {
        return findEntity(realmId, userId, eventId).map(RiskEventStore::fromEntity);
    }

    /**
     * Records how a pending MFA challenge ended; a failure also marks the sign-in failed. Does nothing when the
     * event has no pending or answered challenge.
     */
    public void setMfaOutcome(String realmId, String eventId, MfaOutcome outcome) {
        RiskEventEntity entity = em.find(RiskEventEntity.class, eventId);
        if (entity == null || !entity.getRealmId().equals(realmId) || entity.getMfaOutcome() == null) {
            return;
        }
        entity.setMfaOutcome(outcome.name());
        entity.setResponse(outcome == MfaOutcome.FAILURE ? EventResponse.FAIL.name() : EventResponse.PASS.name());
    }

    /** Records how a sign-in held for its challenge's answer ended. Does nothing for another realm's event. */
    public void setResponse(String realmId, String eventId, EventResponse response) {
        RiskEventEntity entity = em.find(RiskEventEntity.class, eventId);
        if (entity != null && entity.getRealmId().equals(realmId)) {
            entity.setResponse(response.name());
        }
    }

    /** Records feedback on a user's event; empty when the event is not that user's. */
    public Optional<RiskEvent> setFeedback(String realmId, String userId, String eventId, Feedback feedback) {
        Optional<RiskEventEntity> entity = findEntity(realmId, userId, eventId);
        entity.ifPresent(e -> {
            e.setFeedbackValue(feedback.value().name());
            e.setFeedbackProvider(feedback.provider().name());
            e.setFeedbackTime(feedback.time().toEpochMilli());
        });
        return entity.map(RiskEventStore::fromEntity);
    }

    public int deleteForUser(String realmId, String userId) {
        return em.createQuery("delete from RiskEventEntity e where e.realmId = :realmId and e.userId = :userId")
                .setParameter("realmId", realmId)
                .setParameter("userId", userId)
                .executeUpdate();
    }

    public int deleteForRealm(String realmId) {
        return em.createQuery("delete from RiskEventEntity e where e.realmId = :realmId")
                .setParameter("realmId", realmId)
                .executeUpdate();
    }

    /** Deletes a realm's events older than the cutoff; returns how many went. */
    public int deleteOlderThan(String realmId, Instant cutoff) {
        return em.createQuery("delete from RiskEventEntity e where e.realmId = :realmId and e.time < :cutoff")
                .setParameter("realmId", realmId)
                .setParameter("cutoff", cutoff.toEpochMilli())
                .executeUpdate();
    }

    private Optional<RiskEventEntity> findEntity(String realmId, String userId, String eventId) {
        RiskEventEntity entity = em.find(RiskEventEntity.class, eventId);
        if (entity == null || !entity.getRealmId().equals(realmId) || !Objects.equals(entity.getUserId(), userId)) {
            return Optional.empty();
        }
        return Optional.of(entity);
    }

    private static RiskEventEntity toEntity(RiskEvent event) {
        RiskEventEntity entity = new RiskEventEntity();
        entity.setId(event.id());
        entity.setRealmId(event.realmId());
        entity.setUserId(fit(event.userId(), 255));
        entity.setClientId(fit(event.clientId(), 255));
        entity.setType(event.type().name());
        entity.setTime(event.time().toEpochMilli());
        entity.setResponse(event.response().name());
        RiskAssessment risk = event.risk();
        entity.setRiskLevel(risk.level().name());
        entity.setRiskAction(risk.action().name());
        entity.setEnforced(risk.enforced());
        entity.setIpOverride(risk.override() == null ? null : risk.override().name());
        entity.setCompromisedCredentials(risk.compromisedCredentials());
        entity.setMfaOutcome(event.mfa() == null ? null : event.mfa().name());
        entity.setMfaChallenge(event.mfaChallenge() == null ? null : event.mfaChallenge().name());
        entity.setReasons(Json.write(risk.reasons()));
        RiskEvent.Context context = event.context();
        entity.setIpAddress(fit(context.ipAddress(), 64));
        entity.setDeviceName(fit(context.deviceName(), 64));
        entity.setCity(fit(context.city(), 255));
        entity.setCountry(fit(context.country(), 64));
        entity.setNetwork(fit(context.network(), 64));
        entity.setAsn(context.asn());
        entity.setLatitude(context.latitude());
        entity.setLongitude(context.longitude());
        entity.setAccuracyKm(context.accuracyRadiusKm());
        entity.setDeviceId(fit(context.deviceId(), 64));
        RiskEvent.Method method = event.method();
        if (method != null) {
            entity.setAuthMethod(method.kind().name());
            entity.setIdentityProvider(fit(method.identityProvider(), 255));
        }
        Feedback feedback = event.feedback();
        if (feedback != null) {
            entity.setFeedbackValue(feedback.value().name());
            entity.setFeedbackProvider(feedback.provider().name());
            entity.setFeedbackTime(feedback.time().toEpochMilli());
        }
        Notification notification = event.notification();
        if (notification != null) {
            entity.setNotifyKind(notification.kind().name());
            entity.setNotifyStatus(notification.status().name());
            entity.setNotifyDetail(notification.detail());
            entity.setNotifyAttempts(notification.attempts());
        }
        return entity;
    }

    /**
     * Cuts text to its column's size (see threat-protection-changelog.xml): the address and the device name come
     * from request headers, and an over-long value must cost its tail, not the sign-in.
     */
    private static String fit(String value, int columnSize) {
        return value == null || value.length() <= columnSize ? value : value.substring(0, columnSize);
    }

    /** The event a row holds. */
    public static RiskEvent fromEntity(RiskEventEntity entity) {
        RiskAssessment risk = new RiskAssessment(
                RiskLevel.valueOf(entity.getRiskLevel()),
                RiskAction.valueOf(entity.getRiskAction()),
                entity.isEnforced(),
                entity.getIpOverride() == null ? null : IpOverride.valueOf(entity.getIpOverride()),
                entity.isCompromisedCredentials(),
                readReasons(entity.getReasons()));
        Feedback feedback = entity.getFeedbackValue() == null ? null : new Feedback(
                Feedback.Value.valueOf(entity.getFeedbackValue()),
                Feedback.Provider.valueOf(entity.getFeedbackProvider()),
                Instant.ofEpochMilli(entity.getFeedbackTime()));
        return new RiskEvent(entity.getId(), entity.getRealmId(), EventType.valueOf(entity.getType()),
                Instant.ofEpochMilli(entity.getTime()), entity.getUserId(), entity.getClientId(),
                EventResponse.valueOf(entity.getResponse()), risk,
                entity.getMfaOutcome() == null ? null : MfaOutcome.valueOf(entity.getMfaOutcome()),
                entity.getMfaChallenge() == null ? null : MfaChallenge.valueOf(entity.getMfaChallenge()),
                new RiskEvent.Context(entity.getIpAddress(), entity.getDeviceName(), entity.getCity(),
                        entity.getCountry(), entity.getNetwork(), entity.getAsn(), entity.getLatitude(),
                        entity.getLongitude(), entity.getAccuracyKm(), entity.getDeviceId()),
                method(entity), feedback,
                entity.getNotifyKind() == null ? null : new Notification(
                        NotificationKind.valueOf(entity.getNotifyKind()),
                        NotificationStatus.valueOf(entity.getNotifyStatus()), entity.getNotifyDetail(),
                        entity.getNotifyAttempts() == null ? 0 : entity.getNotifyAttempts()));
    }

    /** Rows written before the method was kept are password sign-ins: the only ones evaluated then. */
    private static RiskEvent.Method method(RiskEventEntity entity) {
        if (entity.getAuthMethod() != null) {
            return new RiskEvent.Method(AuthenticationMethod.valueOf(entity.getAuthMethod()),
                    entity.getIdentityProvider());
        }
        return EventType.SIGN_IN.name().equals(entity.getType()) ? RiskEvent.Method.PASSWORD : null;
    }

    private static List<RiskReason> readReasons(String json) {
        if (json == null || json.isEmpty()) {
            return List.of();
        }
        try {
            return List.of(Json.MAPPER.readValue(json, RiskReason[].class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable reasons column in TP_RISK_EVENT", e);
        }
    }
}
