package io.github.threatprotection.console;

import java.util.Set;

import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;

/**
 * The public client the event history page signs admins in with: authorization code with PKCE (S256) only,
 * redirects only to the page itself. It grants nothing by itself; the admin's own realm-management roles
 * decide what the page may read or change.
 */
public final class ConsoleClient {

    public static final String CLIENT_ID = "threat-protection-console";

    private ConsoleClient() {
    }

    /** Adds the client to a realm that lacks it. */
    public static void ensureIn(RealmModel realm) {
        if (realm.getClientByClientId(CLIENT_ID) != null) {
            return;
        }
        ClientModel client = realm.addClient(CLIENT_ID);
        client.setName("Threat protection event history");
        client.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        client.setEnabled(true);
        client.setPublicClient(true);
        client.setStandardFlowEnabled(true);
        client.setDirectAccessGrantsEnabled(false);
        client.setImplicitFlowEnabled(false);
        client.setServiceAccountsEnabled(false);
        client.setFullScopeAllowed(true);
        client.setRootUrl("${authBaseUrl}");
        String page = ConsoleResourceProviderFactory.path(realm);
        client.setBaseUrl(page);
        client.setRedirectUris(Set.of(page + "*"));
        client.setWebOrigins(Set.of("+"));
        client.setAttribute("pkce.code.challenge.method", "S256");
        client.setAttribute("post.logout.redirect.uris", "+");
    }
}
