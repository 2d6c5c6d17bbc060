package io.github.threatprotection.notification;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailSenderProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import io.github.threatprotection.history.NotificationStatus;
import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.metrics.ThreatProtectionMetrics;
import io.github.threatprotection.risk.NotificationKind;
import io.github.threatprotection.settings.NotificationSettings;
import io.github.threatprotection.settings.RealmSettingsStore;

/**
 * Delivers notification e-mails off the request thread, so SMTP never slows or breaks a sign-in. The event row
 * is the outbox: a sign-in stores its event with the notification PENDING, and after its transaction commits
 * the mail is handed to this sender's thread. A failed attempt is retried on the {@link DeliverySchedule};
 * a periodic scan picks up what is due, including what was pending when a node stopped. A mail is claimed by
 * one node at a time: by the node that writes the event, from the start (no extra update per mail), and
 * otherwise by the conditional update of the node whose scan finds it. So a mail is sent at most once unless a
 * node dies between sending and recording it, and a node that dies before sending leaves its mail to the
 * others once the claim expires.
 */
public final class NotificationSender {

    /** The name of the thread that sends, for thread dumps and the load driver's CPU count. */
    public static final String THREAD_NAME = "threat-protection-notifications";
    private static final Logger LOG = Logger.getLogger(NotificationSender.class);
    /** Longer than an SMTP attempt can take with Keycloak's timeouts; a dead node's claim ends after it. */
    private static final Duration CLAIM = Duration.ofMinutes(5);
    private static final int SCAN_BATCH = 100;

    private final KeycloakSessionFactory factory;
    private final DeliverySchedule schedule;
    private final Duration scanInterval;
    private final ThreatProtectionMetrics metrics;
    private final RealmSettingsStore settings;
    private final Function<KeycloakSession, NotificationOutbox> outbox;
    private final AtomicLong smtpErrors = new AtomicLong();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, THREAD_NAME);
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param settings the realms' settings, for each mail's text
     * @param outbox   a session's view of the outbox the mails are claimed from
     */
    public NotificationSender(KeycloakSessionFactory factory, DeliverySchedule schedule, Duration scanInterval,
                              ThreatProtectionMetrics metrics, RealmSettingsStore settings,
                              Function<KeycloakSession, NotificationOutbox> outbox) {
        this.settings = settings;
        this.outbox = outbox;
        this.factory = factory;
        this.schedule = schedule;
        this.scanInterval = scanInterval;
        this.metrics = metrics;
        metrics.dependencyErrors("smtp", smtpErrors, AtomicLong::get);
    }

    public void start() {
        executor.scheduleWithFixedDelay(this::sendDue, scanInterval.toMillis(), scanInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    public void stop() {
        executor.shutdownNow();
    }

    /** Until when a node holds a notification it claimed at {@code now}. */
    public static Instant claimUntil(Instant now) {
        return now.plus(CLAIM);
    }

    /**
     * Sends the event's notification once the session's transaction has committed (never if it rolls back);
     * the event was stored as claimed by this node (see {@link #claimUntil}).
     */
    public void sendAfterCommit(KeycloakSession session, String eventId) {
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                try {
                    executor.execute(() -> deliverClaimed(eventId));
                } catch (RejectedExecutionException e) {
                    LOG.debugf("Server stopping; notification of event %s stays pending", eventId);
                }
            }

            @Override
            protected void rollbackImpl() {
            }
        });
    }

    /**
     * Gives a stored event its notification now, in the session's transaction, and sends it after the commit:
     * for a mail that tells of something done after the evaluation (a password set after its reset link was
     * evaluated).
     *
     * @param linkBase the server URL the mail's links start with, as the request saw it
     */
    public void notifyAfterCommit(KeycloakSession session, String eventId, NotificationKind kind, String linkBase) {
        Instant now = Instant.ofEpochMilli(Time.currentTimeMillis());
        if (outbox.apply(session).addPending(eventId, kind, now, linkBase, claimUntil(now))) {
            sendAfterCommit(session, eventId);
        }
    }

    /** Delivers every pending notification that is due. */
    void sendDue() {
        try {
            Instant now = Instant.ofEpochMilli(Time.currentTimeMillis());
            List<String> due = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                    session -> outbox.apply(session).due(now, SCAN_BATCH));
            due.forEach(this::deliver);
        } catch (RuntimeException e) {
            // The scan runs again at the next interval; a scheduled task that throws would never run again.
            LOG.warn("Scan for due threat-protection notifications failed", e);
        }
    }

    private void deliver(String eventId) {
        Instant now = Instant.ofEpochMilli(Time.currentTimeMillis());
        boolean claimed;
        try {
            claimed = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                    session -> outbox.apply(session).claim(eventId, now, claimUntil(now)));
        } catch (RuntimeException e) {
            LOG.warnf(e, "Claiming the notification of event %s failed; it stays pending", eventId);
            return;
        }
        if (claimed) {
            deliverClaimed(eventId);
        }
    }

    private void deliverClaimed(String eventId) {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> attempt(session, eventId));
        } catch (RuntimeException e) {
            LOG.warnf(e, "Delivery of the notification of event %s failed; it stays pending", eventId);
        }
    }

    private void attempt(KeycloakSession session, String eventId) {
        NotificationOutbox queue = outbox.apply(session);
        Optional<PendingNotification> pending = queue.pending(eventId);
        if (pending.isEmpty()) {
            return;
        }
        RiskEvent event = pending.get().event();
        NotificationKind kind = event.notification().kind();
        RealmModel realm = session.realms().getRealm(event.realmId());
        if (realm == null) {
            return;
        }
        session.getContext().setRealm(realm);
        UserModel user = event.userId() == null ? null : session.users().getUserById(realm, event.userId());
        String skipped = whySkipped(realm, user);
        if (skipped != null) {
            queue.recordAttempt(eventId, NotificationStatus.SKIPPED, skipped, null);
            metrics.notification(realm.getName(), kind, "skipped");
            return;
        }
        NotificationSettings text = settings.read(realm).forClient(event.clientId()).notification();
        try {
            NotificationRenderer.Email email = NotificationRenderer.render(session, realm, user, event, kind,
                    text, URI.create(pending.get().linkBase()));
            Map<String, String> smtp = new HashMap<>(realm.getSmtpConfig());
            if (!text.from().isEmpty()) {
                smtp.put("from", text.from());
            }
            if (!text.replyTo().isEmpty()) {
                smtp.put("replyTo", text.replyTo());
            }
            session.getProvider(EmailSenderProvider.class)
                    .send(smtp, user.getEmail(), email.subject(), email.textBody(), email.htmlBody());
            queue.recordAttempt(eventId, NotificationStatus.SENT, null, null);
            metrics.notification(realm.getName(), kind, "sent");
        } catch (EmailException e) {
            smtpErrors.incrementAndGet();
            failed(queue, realm, event, kind, "SMTP: " + rootMessage(e));
        } catch (Exception e) {
            LOG.warnf(e, "Rendering the notification of event %s failed", eventId);
            failed(queue, realm, event, kind, "rendering: " + rootMessage(e));
        }
    }

    private void failed(NotificationOutbox queue, RealmModel realm, RiskEvent event, NotificationKind kind,
                        String detail) {
        Optional<Duration> retry = schedule.retryAfter(event.notification().attempts() + 1);
        if (retry.isPresent()) {
            LOG.infof("Notification of event %s not sent (%s); next attempt in %s", event.id(), detail,
                    retry.get());
            queue.recordAttempt(event.id(), NotificationStatus.PENDING, detail,
                    Instant.ofEpochMilli(Time.currentTimeMillis()).plus(retry.get()));
            metrics.notification(realm.getName(), kind, "retry");
        } else {
            LOG.warnf("Notification of event %s given up after %d attempts: %s", event.id(),
                    event.notification().attempts() + 1, detail);
            queue.recordAttempt(event.id(), NotificationStatus.FAILED, detail, null);
            metrics.notification(realm.getName(), kind, "failed");
        }
    }

    /** Why the mail cannot be sent at all, or null. */
    private static String whySkipped(RealmModel realm, UserModel user) {
        if (user == null) {
            return "the user no longer exists";
        }
        if (user.getEmail() == null || user.getEmail().isBlank()) {
            return "the user has no e-mail address";
        }
        // As for Keycloak's own security e-mails: an address nobody verified may belong to someone else.
        if (!user.isEmailVerified()) {
            return "the user's e-mail address is not verified";
        }
        String host = realm.getSmtpConfig().get("host");
        if (host == null || host.isBlank()) {
            return "the realm has no SMTP server configured";
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

}
