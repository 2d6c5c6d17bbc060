package io.github.threatprotection.breach;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

/**
 * Checks a password against the configured breach data: the offline corpora first (local, no network), then,
 * when configured and the corpora do not know it, the range API. A corpus file that changes on disk is
 * reopened on the next check after {@link #RELOAD_CHECK_MILLIS}.
 */
public final class CompromisedCredentialCheck {

    static final long RELOAD_CHECK_MILLIS = 30_000;

    private static final Logger LOG = Logger.getLogger(CompromisedCredentialCheck.class);

    /** What happens when the range API cannot answer. */
    public enum FailurePolicy {
        /** Let the password through; the event records that the check could not run. */
        OPEN,
        /** Treat the password as compromised. */
        CLOSED
    }

    public enum Status {
        FOUND,
        NOT_FOUND,
        /** The range API was needed and did not answer usefully. */
        UNAVAILABLE
    }

    /**
     * @param count       how often the password was seen (for the offline corpus: its count bucket's lower bound)
     * @param compromised whether to act on it: found often enough, or unavailable with the closed policy
     * @param detail      for the event, without the password or its hash
     */
    public record Result(Status status, long count, boolean compromised, String detail) {
    }

    private final List<LoadedCorpus> corpora;
    private final PwnedPasswordsClient api;
    private final FailurePolicy failurePolicy;
    private final AtomicLong apiFailures = new AtomicLong();
    private final AtomicLong corpusFailures = new AtomicLong();

    public CompromisedCredentialCheck(List<Path> corpusFiles, PwnedPasswordsClient api, FailurePolicy failurePolicy) {
        this.corpora = corpusFiles.stream().map(LoadedCorpus::new).toList();
        this.api = api;
        this.failurePolicy = failurePolicy;
        corpora.forEach(LoadedCorpus::reloadIfChanged);
    }

    /** Whether any breach data is configured at all. */
    public boolean isConfigured() {
        return !corpora.isEmpty() || api != null;
    }

    /**
     * @param minCount a password counts as compromised when seen at least this often
     */
    public Result check(String password, long minCount) {
        byte[] sha1 = PasswordHash.sha1(password);
        long offline = 0;
        for (LoadedCorpus corpus : corpora) {
            offline = Math.max(offline, corpus.count(sha1));
        }
        if (offline >= minCount) {
            return new Result(Status.FOUND, offline, true, "found in the offline breach corpus, seen at least "
                    + offline + " time(s)");
        }
        if (api == null) {
            return new Result(Status.NOT_FOUND, offline, false, "not found in the offline breach corpus");
        }
        try {
            long online = api.count(sha1);
            if (online >= minCount) {
                return new Result(Status.FOUND, online, true, "found by the Pwned Passwords range API, seen "
                        + online + " time(s)");
            }
            return new Result(Status.NOT_FOUND, Math.max(online, offline), false,
                    "not found in the breach data");
        } catch (IOException e) {
            apiFailures.incrementAndGet();
            String why = e instanceof HttpTimeoutException ? "timed out" : e.getMessage();
            LOG.warnf("Pwned Passwords range API at %s could not be used (%s); failure policy %s", api.baseUrl(),
                    why, failurePolicy);
            return unavailable(offline, why);
        }
    }

    /** Whether passwords the corpora do not know are looked up with the range API. */
    public boolean usesRangeApi() {
        return api != null;
    }

    /**
     * The verdict when the range API was needed and could not answer: the failure policy.
     *
     * @param offline how often the corpora saw the password (fewer times than counts)
     */
    Result unavailable(long offline, String why) {
        boolean closed = failurePolicy == FailurePolicy.CLOSED;
        return new Result(Status.UNAVAILABLE, offline, closed, "the Pwned Passwords range API could not be used (" + why
                + "); failure policy " + failurePolicy.name().toLowerCase() + (closed ? ": treated as compromised"
                : ": not checked"));
    }

    /** Range API calls that failed since start, for metrics. */
    public long apiFailures() {
        return apiFailures.get();
    }

    /** Corpus files that could not be opened since start, for metrics. */
    public long corpusFailures() {
        return corpusFailures.get();
    }

    /** One configured corpus file, reopened when it changes. */
    private final class LoadedCorpus {
        private final Path path;
        private volatile BreachCorpus corpus;
        private volatile FileTime loadedVersion;
        private volatile long lastCheckMillis;

        LoadedCorpus(Path path) {
            this.path = path;
        }

        long count(byte[] sha1) {
            if (System.currentTimeMillis() - lastCheckMillis > RELOAD_CHECK_MILLIS) {
                reloadIfChanged();
            }
            BreachCorpus current = corpus;
            return current == null ? 0 : current.count(sha1);
        }

        synchronized void reloadIfChanged() {
            lastCheckMillis = System.currentTimeMillis();
            try {
                FileTime version = Files.getLastModifiedTime(path);
                if (version.equals(loadedVersion)) {
                    return;
                }
                corpus = BreachCorpus.open(path);
                loadedVersion = version;
                LOG.infof("Breach corpus %s loaded: %d entries, %.2f bytes per entry", path, corpus.entries(),
                        corpus.bytesPerEntry());
            } catch (IOException e) {
                corpusFailures.incrementAndGet();
                LOG.errorf("Breach corpus %s cannot be used (%s); %s", path, e.getMessage(),
                        corpus == null ? "passwords are not checked against it" : "keeping the version loaded before");
            }
        }
    }
}
