package io.github.threatprotection.password;

import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;

/**
 * Required action {@value #ID}: how a {@link CompromisedPasswordLock} shows on the user in the admin console
 * ("Required user actions" on the Details tab). A locked account gets past sign-in only through a mailed reset
 * link; once that has set a new password the lock is gone and this action completes unseen. Reached while the lock
 * still holds (a flow that skipped the password), it asks for a new password, checked against breach data.
 */
public class AccountLockedActionFactory implements RequiredActionFactory {

    public static final String ID = "threat-protection-account-locked";
    static final String NAME = "Locked by threat protection: new password needed";

    private static final RequiredActionProvider INSTANCE = new UpdateCompromisedPassword() {
        @Override
        public void requiredActionChallenge(RequiredActionContext context) {
            if (!CompromisedPasswordLock.isLocked(context.getUser())) {
                context.success();
                return;
            }
            super.requiredActionChallenge(context);
        }
    };

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return INSTANCE;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayText() {
        return NAME;
    }

    /**
     * The admin console lists only required actions registered and enabled in the realm; registers this one
     * where it is missing, last in order, so a mailed reset's own password step comes first.
     */
    public static void registerIn(RealmModel realm) {
        if (realm.getRequiredActionProviderByAlias(ID) != null) {
            return;
        }
        RequiredActionProviderModel model = new RequiredActionProviderModel();
        model.setAlias(ID);
        model.setProviderId(ID);
        model.setName(NAME);
        model.setEnabled(true);
        model.setDefaultAction(false);
        model.setPriority(Integer.MAX_VALUE / 2 + 1);
        realm.addRequiredActionProvider(model);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
