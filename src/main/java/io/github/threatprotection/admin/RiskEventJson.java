package io.github.threatprotection.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.threatprotection.Json;
import io.github.threatprotection.history.Feedback;
import io.github.threatprotection.history.MfaOutcome;
import io.github.threatprotection.history.Notification;
import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.risk.MfaChallenge;
import io.github.threatprotection.risk.RiskAssessment;
import io.github.threatprotection.risk.RiskReason;

/** The public JSON form of a risk event; its field names are part of the REST API. */
final class RiskEventJson {

    private RiskEventJson() {
    }

    static ObjectNode write(RiskEvent event) {
        ObjectNode json = Json.object();
        json.put("id", event.id());
        json.put("type", event.type().name());
        json.put("time", event.time().toString());
        json.put("userId", event.userId());
        json.put("clientId", event.clientId());
        json.put("response", event.response().name());

        RiskAssessment risk = event.risk();
        ObjectNode riskJson = json.putObject("risk");
        riskJson.put("level", risk.level().name());
        riskJson.put("action", risk.action().name());
        riskJson.put("enforced", risk.enforced());
        riskJson.put("override", risk.override() == null ? null : risk.override().name());
        riskJson.put("compromisedCredentials", risk.compromisedCredentials());
        ArrayNode reasons = riskJson.putArray("reasons");
        for (RiskReason reason : risk.reasons()) {
            reasons.addObject()
                    .put("signal", reason.signal())
                    .put("score", reason.score())
                    .put("detail", reason.detail());
        }

        ArrayNode challenges = json.putArray("challenges");
        if (event.method() != null) {
            // The step runs after the user was authenticated: an evaluated sign-in or reset passed its challenge.
            ObjectNode method = challenges.addObject().put("name", event.method().kind().name())
                    .put("response", "SUCCESS");
            if (event.method().identityProvider() != null) {
                method.put("identityProvider", event.method().identityProvider());
            }
        }
        if (event.mfa() == MfaOutcome.SUCCESS || event.mfa() == MfaOutcome.FAILURE) {
            MfaChallenge challenge = event.mfaChallenge() == null ? MfaChallenge.MFA : event.mfaChallenge();
            challenges.addObject().put("name", challenge.name()).put("response", event.mfa().name());
        }

        if (event.mfa() == null) {
            json.putNull("mfa");
        } else {
            // PENDING too: the second factor was asked for and never answered.
            json.putObject("mfa")
                    .put("challenge", (event.mfaChallenge() == null ? MfaChallenge.MFA : event.mfaChallenge()).name())
                    .put("result", event.mfa().name());
        }

        RiskEvent.Context context = event.context();
        json.putObject("context")
                .put("ipAddress", context.ipAddress())
                .put("deviceName", context.deviceName())
                .put("city", context.city())
                .put("country", context.country());

        Feedback feedback = event.feedback();
        if (feedback == null) {
            json.putNull("feedback");
        } else {
            json.putObject("feedback")
                    .put("value", feedback.value().name())
                    .put("provider", feedback.provider().name())
                    .put("time", feedback.time().toString());
        }
        Notification notification = event.notification();
        if (notification == null) {
            json.putNull("notification");
        } else {
            json.putObject("notification")
                    .put("kind", notification.kind().name())
                    .put("status", notification.status().name())
                    .put("detail", notification.detail())
                    .put("attempts", notification.attempts());
        }
        return json;
    }
}
