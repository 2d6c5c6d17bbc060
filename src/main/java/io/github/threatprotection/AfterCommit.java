package io.github.threatprotection;

import java.util.concurrent.Executor;

import org.jboss.logging.Logger;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Writes about one user that must wait until the request's transaction has committed and must not hold up its
 * answer: a sign-in refused for a breached password answers as fast as a wrong password, so whatever it sets off
 * (lock, raised risk, reset mail) runs afterwards, off the request thread.
 */
public final class AfterCommit {

    private static final Logger LOG = Logger.getLogger(AfterCommit.class);

    /** One piece of work on the user, in a transaction of its own, with the realm bound to the session. */
    @FunctionalInterface
    public interface UserJob {
        void run(KeycloakSession session, RealmModel realm, UserModel user);
    }

    private AfterCommit() {
    }

    /**
     * Once {@code session}'s transaction has committed, runs the jobs on {@code executor}, one after the other, each
     * in a transaction of its own, so a slow later one (a mail) neither holds back nor undoes an earlier one. A job
     * whose realm or user is gone by then does nothing; a failure is logged with {@code what} and ends the rest.
     * Nothing runs when the request's transaction rolls back.
     */
    public static void forUser(KeycloakSession session, Executor executor, RealmModel realm, UserModel user,
                               String what, UserJob... jobs) {
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        String realmId = realm.getId();
        String userId = user.getId();
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                executor.execute(() -> {
                    try {
                        for (UserJob job : jobs) {
                            KeycloakModelUtils.runJobInTransaction(factory, background -> {
                                RealmModel inRealm = background.realms().getRealm(realmId);
                                if (inRealm == null) {
                                    return;
                                }
                                background.getContext().setRealm(inRealm);
                                UserModel inUser = background.users().getUserById(inRealm, userId);
                                if (inUser != null) {
                                    job.run(background, inRealm, inUser);
                                }
                            });
                        }
                    } catch (RuntimeException e) {
                        LOG.warnf(e, "%s failed for user %s in realm %s", what, userId, realmId);
                    }
                });
            }

            @Override
            protected void rollbackImpl() {
            }
        });
    }
}
