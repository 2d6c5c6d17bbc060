package io.github.threatprotection.breach;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

/**
 * The compromised-credential check of a sign-in, answered on a fixed deadline when the range API is in use.
 * <p>
 * Only a right password reaches the check, and a range call takes time, more on a cache miss: without a
 * deadline, a right password that is then refused (blocked address, risk level, breach) would answer later
 * than a wrong one, and a caller could tell which candidate was right. So every sign-in that reaches the
 * check spends exactly the deadline on it, whether the answer came from a corpus, the cache, the network or
 * not at all, and every failed sign-in that would have reached it waits as long ({@link #waitAsIfChecked()}).
 * A range call that misses the deadline goes on in the background and leaves its answer in the cache for the
 * next sign-in; this sign-in gets the failure policy.
 */
public final class SignInBreachCheck implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SignInBreachCheck.class);

    /** Range calls in flight at once on a node, and calls waiting for one of them. */
    private static final int CALLS = 8;
    private static final int WAITING_CALLS = 64;

    private final CompromisedCredentialCheck check;
    private final long deadlineNanos;
    private final ThreadPoolExecutor calls;
    private final AtomicLong deadlineMisses = new AtomicLong();

    /**
     * @param deadline how long every sign-in's check takes when the range API is configured
     */
    public SignInBreachCheck(CompromisedCredentialCheck check, Duration deadline) {
        this.check = check;
        this.deadlineNanos = deadline.toNanos();
        // Bounded, unlike Keycloak's ExecutorsProvider pools (their queue has no limit): a range API that hangs
        // must cost a fixed number of threads, and sign-ins beyond it get the failure policy at once.
        AtomicInteger threads = new AtomicInteger();
        this.calls = new ThreadPoolExecutor(CALLS, CALLS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(WAITING_CALLS), task -> {
                    Thread thread = new Thread(task, "threat-protection-range-api-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        calls.allowCoreThreadTimeOut(true);
    }

    /** Whether any breach data is configured at all. */
    public boolean isConfigured() {
        return check.isConfigured();
    }

    /**
     * Whether a sign-in's time depends on the check: only a range call's does. With offline corpora alone the
     * check takes microseconds, and nothing waits.
     */
    public boolean isTimed() {
        return check.usesRangeApi();
    }

    /** The sign-in's check; takes exactly the deadline when {@link #isTimed()}. */
    public CompromisedCredentialCheck.Result check(String password, long minCount) {
        if (!isTimed()) {
            return check.check(password, minCount);
        }
        long started = System.nanoTime();
        CompromisedCredentialCheck.Result result;
        try {
            Future<CompromisedCredentialCheck.Result> call = calls.submit(() -> check.check(password, minCount));
            result = call.get(Math.max(0, started + deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            result = missed("no answer within the " + TimeUnit.NANOSECONDS.toMillis(deadlineNanos)
                    + " ms deadline (the answer is kept for later sign-ins)");
        } catch (RejectedExecutionException e) {
            result = missed("too many range API calls in flight");
        } catch (ExecutionException e) {
            result = missed("the check failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = missed("interrupted");
        }
        sleepUntil(started + deadlineNanos);
        return result;
    }

    /** For a failed sign-in that would have reached the check: waits as long as the check would have taken. */
    public void waitAsIfChecked() {
        if (isTimed()) {
            sleepUntil(System.nanoTime() + deadlineNanos);
        }
    }

    /** Sign-ins whose range answer missed the deadline since start, for metrics. */
    public long deadlineMisses() {
        return deadlineMisses.get();
    }

    private CompromisedCredentialCheck.Result missed(String why) {
        if (deadlineMisses.getAndIncrement() == 0) {
            LOG.warnf("A sign-in's breach check missed its deadline (%s); it gets the failure policy. Further"
                    + " misses are logged at debug level and counted", why);
        } else {
            LOG.debugf("Breach check missed its deadline: %s", why);
        }
        return check.unavailable(0, why);
    }

    private static void sleepUntil(long nanoTime) {
        long left = nanoTime - System.nanoTime();
        while (left > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            left = nanoTime - System.nanoTime();
        }
    }

    @Override
    public void close() {
        calls.shutdownNow();
    }
}
