package io.github.threatprotection.console;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** Mounts {@link ConsoleResource}, the event history page, at {@code /realms/{realm}/threat-protection-console/}. */
public class ConsoleResourceProviderFactory implements RealmResourceProviderFactory {

    public static final String ID = "threat-protection-console";

    /** The page's path below the server's base URL, for realm admins (master admins add {@code ?realm=}). */
    public static String path(RealmModel realm) {
        return "/realms/" + realm.getName() + "/" + ID + "/";
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return new ConsoleResource(session);
            }

            @Override
            public void close() {
            }
        };
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
