package io.github.threatprotection.throttling;

import java.time.Duration;
import java.util.concurrent.Semaphore;

import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;

/**
 * Holds back, on this node, the answers to refused attempts from throttled sources. A credential-stuffing tool
 * sends its next attempt when an answer comes back; a refusal answered in a millisecond invites the next at once,
 * and thousands a second still cost Keycloak's HTTP and flow handling. Held back, the same refusal costs a
 * sleeping thread and no CPU, and such a tool sends a few attempts a second instead.
 * <p>
 * Keycloak offers no way to answer a request later without its thread (a flow step returns its response on the
 * request thread), so each held answer is a sleeping request thread, and a fixed number of slots caps them: an
 * attacker with more connections than slots gets the others answered at once, never Keycloak's whole pool. The
 * wait comes after the session's transaction, so it holds no database connection.
 */
public final class RefusalDelay {

    private final Semaphore slots;

    /** @param slots answers held back at once on this node; 0 holds none back */
    public RefusalDelay(int slots) {
        this.slots = new Semaphore(slots);
    }

    /**
     * Holds the session's answer back by {@code delay} once its transaction has ended, if the delay is not zero
     * and a slot is free. Returns whether it is held.
     */
    public boolean holdBack(KeycloakSession session, Duration delay) {
        if (!claimSlot(delay)) {
            return false;
        }
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                waitAndFree(delay);
            }

            @Override
            protected void rollbackImpl() {
                waitAndFree(delay);
            }
        });
        return true;
    }

    /** Takes a slot for a non-zero delay when one is free. */
    boolean claimSlot(Duration delay) {
        return !delay.isZero() && slots.tryAcquire();
    }

    /** Sleeps out the delay, then frees the slot, whatever happens meanwhile. */
    void waitAndFree(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            slots.release();
        }
    }
}
