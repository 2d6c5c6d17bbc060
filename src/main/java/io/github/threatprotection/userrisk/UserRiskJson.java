package io.github.threatprotection.userrisk;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.keycloak.models.UserModel;

import io.github.threatprotection.Json;
import io.github.threatprotection.risk.UserRisk;

/** A user's risk as the admin REST API and the history page show it. */
public final class UserRiskJson {

    private UserRiskJson() {
    }

    /**
     * @param passwordChangeRequired whether the account is locked until its password is replaced
     * @param allChanges             the latest changes too, not only those that made the current state
     */
    public static ObjectNode write(UserModel user, UserRisk risk, boolean passwordChangeRequired, boolean allChanges) {
        ObjectNode json = Json.object()
                .put("userId", user.getId())
                .put("username", user.getUsername())
                .put("state", risk.state().name())
                .put("since", risk.state() == UserRisk.State.NONE || risk.since() == null ? null
                        : risk.since().toString())
                .put("passwordChangeRequired", passwordChangeRequired);
        changes(json.putArray("reasons"), risk.state() == UserRisk.State.NONE ? java.util.List.of() : risk.reasons());
        if (allChanges) {
            changes(json.putArray("changes"), risk.changes());
        }
        return json;
    }

    private static void changes(ArrayNode target, Iterable<UserRisk.Change> changes) {
        for (UserRisk.Change change : changes) {
            target.addObject()
                    .put("state", change.state().name())
                    .put("cause", change.cause().name())
                    .put("time", change.time().toString())
                    .put("eventId", change.eventId())
                    .put("detail", change.detail());
        }
    }
}
