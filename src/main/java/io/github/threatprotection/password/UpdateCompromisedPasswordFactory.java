package io.github.threatprotection.password;

import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;

public class UpdateCompromisedPasswordFactory implements RequiredActionFactory {

    public static final String ID = "update-compromised-password";

    private static final UpdateCompromisedPassword INSTANCE = new UpdateCompromisedPassword();

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return INSTANCE;
    }

    @Override
    public String getId() {
        return ID;
    }

    /**
     * Keycloak runs only required actions registered in the realm; registers this one, enabled, where it is
     * missing. An admin's later choice (disabling it) is left alone.
     */
    public static void registerIn(RealmModel realm) {
        if (realm.getRequiredActionProviderByAlias(ID) != null) {
            return;
        }
        RequiredActionProviderModel model = new RequiredActionProviderModel();
        model.setAlias(ID);
        model.setProviderId(ID);
        model.setName("Update compromised password");
        model.setEnabled(true);
        model.setDefaultAction(false);
        model.setPriority(Integer.MAX_VALUE / 2);
        realm.addRequiredActionProvider(model);
    }

    @Override
    public String getDisplayText() {
        return "Update compromised password";
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
