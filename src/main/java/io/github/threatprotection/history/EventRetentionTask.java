package io.github.threatprotection.history;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.timer.ScheduledTask;

import io.github.threatprotection.risk.RiskScoring;
import io.github.threatprotection.settings.RealmSettingsStore;

/**
 * Deletes each realm's risk events older than its {@code retention.eventDays}, and failed sign-ins older than
 * any velocity window. Runs on every node; the deletes are idempotent, so nodes running it at the same time
 * only repeat work.
 */
public class EventRetentionTask implements ScheduledTask {

    public static final String NAME = "threat-protection-event-retention";

    private static final Logger LOG = Logger.getLogger(EventRetentionTask.class);

    private final RealmSettingsStore settings;
    private final Function<KeycloakSession, RiskEventStore> events;
    private final Function<KeycloakSession, FailedSignInStore> failedSignIns;

    public EventRetentionTask(RealmSettingsStore settings, Function<KeycloakSession, RiskEventStore> events,
                              Function<KeycloakSession, FailedSignInStore> failedSignIns) {
        this.settings = settings;
        this.events = events;
        this.failedSignIns = failedSignIns;
    }

    @Override
    public void run(KeycloakSession session) {
        Instant now = Instant.ofEpochMilli(Time.currentTimeMillis());
        failedSignIns.apply(session).deleteOlderThan(now.minus(RiskScoring.MAX_VELOCITY_WINDOW));
        session.realms().getRealmsStream().forEach(realm -> {
            int days = settings.read(realm).retention().eventDays();
            int deleted = events.apply(session).deleteOlderThan(realm.getId(), now.minus(Duration.ofDays(days)));
            if (deleted > 0) {
                LOG.infof("Deleted %d risk events older than %d days in realm %s", deleted, days, realm.getName());
            }
        });
    }

    @Override
    public String getTaskName() {
        return NAME;
    }
}
