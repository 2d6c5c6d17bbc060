package io.github.threatprotection.breach;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

/**
 * Checks a password against the configured breach data: the offline corpora first (local, no network), then,
 * when configured and the corpora do not know it, the range API.
 * <p>
 * A corpus follows the file at its path. After each lookup the file's identity, size and modification time are
 * compared with those of the version that was read (one {@code stat}); a changed file is opened, at most once per
 * {@link #RELOAD_ATTEMPT_MILLIS}. A new file that fails {@link BreachCorpus#open}'s checks is refused and the
 * version loaded before is kept: it was replaced, so it is still whole. A file changed in place (written or
 * truncated through its own name) is not: what the server reads from it is no longer what it checked, so it
 * is dropped at once, and the answer of the lookup that noticed is thrown away. A lookup that cannot be
 * answered, for whatever reason, is unavailable and follows the corpus failure policy, like the range API's;
 * each is counted, and the corpus is logged when it stops answering and when it answers again, not at every
 * sign-in.
 */
public final class CompromisedCredentialCheck {

    /** At most one attempt per corpus this often to open a file that changed. */
    static final long RELOAD_ATTEMPT_MILLIS = 1_000;
    /** A refused file is tried again after this long even if it did not change (the cause may have passed). */
    static final long RETRY_REFUSED_MILLIS = 30_000;
    /** How long a replaced version stays open for lookups that may still be reading it. */
    static final long RETIRE_AFTER_MILLIS = 10_000;

    private static final Logger LOG = Logger.getLogger(CompromisedCredentialCheck.class);

    /** What happens when breach data that is configured cannot answer. */
    public enum FailurePolicy {
        /** Let the password through; the event records that the check could not run. */
        OPEN,
        /** Treat the password as compromised (it blocks, but never locks an account: nothing was found). */
        CLOSED
    }

    public enum Status {
        FOUND,
        NOT_FOUND,
        /** A corpus, or the range API when it was needed, did not answer usefully. */
        UNAVAILABLE
    }

    /**
     * @param count       how often the password was seen (for the offline corpus: its count bucket's lower bound)
     * @param compromised whether to act on it: found often enough, or unavailable with a closed policy
     * @param detail      for the event, without the password or its hash
     */
    public record Result(Status status, long count, boolean compromised, String detail) {
    }

    /** One corpus's answer: a count, or why there is none. */
    private record Answer(long count, String failure) {
    }

    private final List<CorpusSource> corpora;
    private final FailurePolicy corpusFailurePolicy;
    private final PwnedPasswordsClient api;
    private final FailurePolicy apiFailurePolicy;
    private final LongSupplier clock;
    private final AtomicLong apiFailures = new AtomicLong();
    private final AtomicLong corpusFailures = new AtomicLong();

    /**
     * @param corpusFailurePolicy for lookups a corpus cannot answer
     * @param api                 the range API, or null
     * @param apiFailurePolicy    for range API calls that fail
     */
    public CompromisedCredentialCheck(List<Path> corpusFiles, FailurePolicy corpusFailurePolicy,
                                      PwnedPasswordsClient api, FailurePolicy apiFailurePolicy) {
        this(corpusFiles, corpusFailurePolicy, api, apiFailurePolicy, System::currentTimeMillis);
    }

    CompromisedCredentialCheck(List<Path> corpusFiles, FailurePolicy corpusFailurePolicy, PwnedPasswordsClient api,
                               FailurePolicy apiFailurePolicy, LongSupplier clock) {
        this.corpusFailurePolicy = corpusFailurePolicy;
        this.api = api;
        this.apiFailurePolicy = apiFailurePolicy;
        this.clock = clock;
        this.corpora = corpusFiles.stream().map(CorpusSource::new).toList();
        corpora.forEach(CorpusSource::openAtStart);
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
        List<String> unavailable = new ArrayList<>(0);
        for (CorpusSource corpus : corpora) {
            Answer answer = corpus.count(sha1);
            if (answer.failure() == null) {
                offline = Math.max(offline, answer.count());
            } else {
                unavailable.add(answer.failure());
            }
        }
        if (offline >= minCount) {
            return new Result(Status.FOUND, offline, true, "found in the offline breach corpus, seen at least "
                    + offline + " time(s)");
        }
        String corpusProblem = unavailable.isEmpty() ? null : "the offline breach corpus could not be used ("
                + String.join("; ", unavailable) + "); corpus failure policy " + policyText(corpusFailurePolicy);
        boolean corpusClosed = corpusProblem != null && corpusFailurePolicy == FailurePolicy.CLOSED;
        if (api == null) {
            return corpusProblem == null
                    ? new Result(Status.NOT_FOUND, offline, false, "not found in the offline breach corpus")
                    : new Result(Status.UNAVAILABLE, offline, corpusClosed, corpusProblem);
        }
        try {
            long online = api.count(sha1);
            if (online >= minCount) {
                return new Result(Status.FOUND, online, true, "found by the Pwned Passwords range API, seen "
                        + online + " time(s)");
            }
            long seen = Math.max(online, offline);
            return corpusProblem == null
                    ? new Result(Status.NOT_FOUND, seen, false, "not found in the breach data")
                    : new Result(Status.UNAVAILABLE, seen, corpusClosed, corpusProblem);
        } catch (IOException e) {
            apiFailures.incrementAndGet();
            String why = e instanceof InterruptedIOException ? "timed out" : e.getMessage();
            LOG.warnf("Pwned Passwords range API at %s could not be used (%s); failure policy %s", api.baseUrl(),
                    why, apiFailurePolicy);
            String apiProblem = "the Pwned Passwords range API could not be used (" + why + "); failure policy "
                    + policyText(apiFailurePolicy);
            return new Result(Status.UNAVAILABLE, offline, corpusClosed || apiFailurePolicy == FailurePolicy.CLOSED,
                    corpusProblem == null ? apiProblem : corpusProblem + "; " + apiProblem);
        }
    }

    /** Whether passwords the corpora do not know are looked up with the range API. */
    public boolean usesRangeApi() {
        return api != null;
    }

    /**
     * The verdict when the range API was needed and gave no answer in time: its failure policy.
     *
     * @param offline how often the corpora saw the password (fewer times than counts)
     */
    Result unavailable(long offline, String why) {
        return new Result(Status.UNAVAILABLE, offline, apiFailurePolicy == FailurePolicy.CLOSED,
                "the Pwned Passwords range API could not be used (" + why + "); failure policy "
                        + policyText(apiFailurePolicy));
    }

    private static String policyText(FailurePolicy policy) {
        return policy.name().toLowerCase(Locale.ROOT)
                + (policy == FailurePolicy.CLOSED ? ": treated as compromised" : ": not checked");
    }

    /** Range API calls that failed since start, for metrics. */
    public long apiFailures() {
        return apiFailures.get();
    }

    /** Corpus files refused and corpus lookups that could not be answered since start, for metrics. */
    public long corpusFailures() {
        return corpusFailures.get();
    }

    /** Which file a corpus was read from, as far as a stat can tell. */
    private record FileVersion(Object fileKey, long size, FileTime modified) {

        /** The version at the path now, or null when it cannot be read (missing, no access). */
        static FileVersion of(Path path) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                return new FileVersion(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime());
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        /**
         * Whether this is the same file as {@code other}, perhaps changed. Without file keys (not every platform
         * has them) any file at the path counts as the same one, which drops a version that was only replaced:
         * the safe mistake.
         */
        boolean sameFileAs(FileVersion other) {
            return fileKey == null || other.fileKey == null || fileKey.equals(other.fileKey);
        }
    }

    /** A corpus as opened, and the file version it was opened from. */
    private record Loaded(BreachCorpus corpus, FileVersion version) {
    }

    /** One configured corpus file, followed as it is replaced or damaged. */
    private final class CorpusSource {
        private final Path path;
        private final String name;
        /** Held by the thread that opens a new version or closes a retired one; others never wait for it. */
        private final ReentrantLock maintenance = new ReentrantLock();
        private volatile Loaded current;
        /** Why there is no current version, for the event; null while there is one. */
        private volatile String problem;
        /** Whether lookups are failing, so that the change is logged once each way. */
        private volatile boolean failing;
        private volatile boolean retiring;
        // Guarded by maintenance.
        private FileVersion attempted;
        private long attemptedAtMillis;
        private FileVersion condemned;
        private String refusalLogged;
        private Loaded retired;
        private long retiredAtMillis;

        CorpusSource(Path path) {
            this.path = path;
            this.name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        }

        void openAtStart() {
            maintenance.lock();
            try {
                FileVersion version = FileVersion.of(path);
                if (version == null) {
                    refused(describe(missingOrUnreadable()));
                } else {
                    attemptOpen(version, clock.getAsLong());
                }
            } finally {
                maintenance.unlock();
            }
        }

        Answer count(byte[] sha1) {
            Loaded loaded = current;
            Answer answer = lookup(loaded, sha1);
            Loaded now = current;
            if (answer.failure() != null && now != null && now != loaded) {
                // A version opened meanwhile, perhaps by this very lookup, answers instead.
                answer = lookup(now, sha1);
            }
            if (answer.failure() == null) {
                if (failing) {
                    answering(null);
                }
                return answer;
            }
            corpusFailures.incrementAndGet();
            failing(answer.failure());
            return new Answer(0, name + ": " + answer.failure());
        }

        /** Looks the hash up in {@code loaded}, then checks the file it came from is still as it was opened. */
        private Answer lookup(Loaded loaded, byte[] sha1) {
            long count = 0;
            String failure = null;
            if (loaded == null) {
                String why = problem;
                failure = why == null ? "it is being opened" : why;
            } else {
                try {
                    count = loaded.corpus().count(sha1);
                } catch (ClosedChannelException e) {
                    // Closed under us: the thread was interrupted while reading. The file itself is fine.
                    failure = "reading it was interrupted";
                    drop(loaded, failure, false);
                } catch (DamagedBlockException e) {
                    // Damage the checks at open cannot see (they do not read every block): nothing read from
                    // this file can be trusted, and opening it again would not help.
                    failure = describe(e);
                    drop(loaded, failure, true);
                } catch (Exception | Error e) {
                    if (e instanceof VirtualMachineError && !(e instanceof InternalError)) {
                        throw (VirtualMachineError) e;
                    }
                    failure = describe(e);
                }
            }
            FileVersion now = FileVersion.of(path);
            if (failure == null && !retiring && loaded.version().equals(now)) {
                return new Answer(count, null);
            }
            if (loaded != null && now != null && now.sameFileAs(loaded.version()) && !now.equals(loaded.version())) {
                failure = "it was changed in place after it was opened; to replace a corpus, build it onto the path"
                        + " or move a complete copy over it";
                drop(loaded, failure, false);
            }
            maintain(now);
            return new Answer(count, failure);
        }

        /**
         * Forgets a version that can no longer be read as it was checked, unless another thread already did.
         *
         * @param forGood not to open the same file again until it changes
         */
        private void drop(Loaded loaded, String why, boolean forGood) {
            maintenance.lock();
            try {
                if (current == loaded) {
                    current = null;
                    problem = why;
                    attempted = null;
                    condemned = forGood ? loaded.version() : null;
                    retire(loaded, clock.getAsLong());
                }
            } finally {
                maintenance.unlock();
            }
        }

        /** Opens a changed file when due, and closes a retired version once no lookup can still be reading it. */
        private void maintain(FileVersion now) {
            if (Thread.currentThread().isInterrupted() || !maintenance.tryLock()) {
                return;
            }
            try {
                long millis = clock.getAsLong();
                if (retired != null && millis - retiredAtMillis >= RETIRE_AFTER_MILLIS) {
                    closeQuietly(retired);
                    retired = null;
                    retiring = false;
                }
                Loaded loaded = current;
                if (now == null || now.equals(condemned) || (loaded != null && now.equals(loaded.version()))) {
                    return;
                }
                long sinceAttempt = millis - attemptedAtMillis;
                if (sinceAttempt < RELOAD_ATTEMPT_MILLIS
                        || (now.equals(attempted) && sinceAttempt < RETRY_REFUSED_MILLIS)) {
                    return;
                }
                attemptOpen(now, millis);
            } finally {
                maintenance.unlock();
            }
        }

        /** Called with maintenance held. */
        private void attemptOpen(FileVersion version, long millis) {
            attempted = version;
            attemptedAtMillis = millis;
            BreachCorpus opened = null;
            try {
                opened = BreachCorpus.open(path);
                if (!version.equals(FileVersion.of(path))) {
                    throw new IOException("it changed while it was being opened");
                }
            } catch (Exception e) {
                if (opened != null) {
                    closeQuietly(new Loaded(opened, version));
                }
                corpusFailures.incrementAndGet();
                refused(describe(e));
                return;
            }
            Loaded previous = current;
            current = new Loaded(opened, version);
            problem = null;
            refusalLogged = null;
            if (previous != null) {
                retire(previous, millis);
            }
            answering(String.format(Locale.ROOT, "loaded: %d entries, %.2f bytes per entry", opened.entries(),
                    opened.bytesPerEntry()));
        }

        /** Called with maintenance held. */
        private void refused(String why) {
            if (current == null) {
                problem = why;
                failing(why);
            } else if (!why.equals(refusalLogged)) {
                refusalLogged = why;
                LOG.errorf("Breach corpus %s: the file now at this path cannot be used (%s); keeping the version"
                        + " loaded before", path, why);
            }
        }

        /** Called with maintenance held. */
        private void retire(Loaded loaded, long millis) {
            if (retired != null) {
                closeQuietly(retired);
            }
            retired = loaded;
            retiredAtMillis = millis;
            retiring = true;
        }

        private void failing(String why) {
            synchronized (this) {
                if (failing) {
                    LOG.debugf("Breach corpus %s: a lookup was not answered (%s)", path, why);
                    return;
                }
                failing = true;
            }
            LOG.errorf("Breach corpus %s cannot be used (%s). Until a complete corpus is in place, passwords %s"
                    + " (breach-corpus-failure %s); lookups that fail are counted as"
                    + " threat_protection_dependency_errors_total{dependency=\"breach_corpus\"}, not logged", path, why,
                    corpusFailurePolicy == FailurePolicy.CLOSED
                            ? "are treated as compromised (sign-ins blocked, accounts never locked)"
                            : "are not checked against it",
                    corpusFailurePolicy.name().toLowerCase(Locale.ROOT));
        }

        /** Logs that the corpus answers again, or the load of a new version (then {@code loaded} says what). */
        private void answering(String loaded) {
            boolean wasFailing;
            synchronized (this) {
                wasFailing = failing;
                failing = false;
            }
            if (loaded != null) {
                LOG.infof("Breach corpus %s %s%s", path, loaded, wasFailing ? "; it answers lookups again" : "");
            } else if (wasFailing) {
                LOG.infof("Breach corpus %s answers lookups again", path);
            }
        }

        private IOException missingOrUnreadable() {
            return Files.exists(path) ? new AccessDeniedException(path.toString())
                    : new NoSuchFileException(path.toString());
        }

        private void closeQuietly(Loaded loaded) {
            try {
                loaded.corpus().close();
            } catch (IOException e) {
                LOG.debugf("Breach corpus %s: closing a replaced version failed (%s)", path, e);
            }
        }
    }

    /** What went wrong, in one line and without the file's path (events show it to realm admins). */
    static String describe(Throwable e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "no permission to read it";
        }
        if (e instanceof IOException && e.getMessage() != null) {
            return e.getMessage().replaceAll("\\s+", " ");
        }
        return "the lookup failed: " + e.getClass().getName()
                + (e.getMessage() == null ? "" : " (" + e.getMessage().replaceAll("\\s+", " ") + ")");
    }
}
