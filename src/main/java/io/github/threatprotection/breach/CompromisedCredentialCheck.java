package io.github.threatprotection.breach;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import io.github.threatprotection.files.ReloadingFile;

/**
 * Checks a password against the breach data: the built-in list of common passwords and the offline corpora first
 * (local, no network), then, when configured and these do not know it, the range API.
 * <p>
 * A corpus follows the file at its path as a {@link ReloadingFile} looked at after each lookup (one {@code stat}):
 * a changed file is opened at most once per {@link #RELOAD_ATTEMPT_MILLIS}; one that fails
 * {@link BreachCorpus#open}'s checks is refused and the version loaded before is kept. A file changed in place
 * is dropped at once, and the answer of the lookup that noticed is thrown away: what the server reads from it
 * is no longer what it checked. A lookup that cannot be answered, for whatever reason, is unavailable and
 * follows the corpus failure policy, like the range API's; each is counted, and the corpus is logged when it
 * stops answering and when it answers again, not at every sign-in.
 */
public final class CompromisedCredentialCheck implements AutoCloseable {

    /** At most one attempt per corpus this often to open a file that changed. */
    static final long RELOAD_ATTEMPT_MILLIS = 1_000;
    /** A refused file is tried again after this long even if it did not change (the cause may have passed). */
    static final long RETRY_REFUSED_MILLIS = 30_000;

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
     * @param count       how often the password was seen (for the offline corpus: its count bucket's lower bound;
     *                    0 for the built-in list, which gives ranks, not counts)
     * @param compromised whether to act on it: found often enough, or unavailable with a closed policy
     * @param detail      for the event, without the password or its hash
     */
    public record Result(Status status, long count, boolean compromised, String detail) {
    }

    /** One corpus's answer: a count, or why there is none. */
    private record Answer(long count, String failure) {
    }

    private final CommonPasswords common;
    private final List<CorpusSource> corpora;
    private final FailurePolicy corpusFailurePolicy;
    private final PwnedPasswordsClient api;
    private final FailurePolicy apiFailurePolicy;
    private final LongSupplier clock;
    private final AtomicLong apiFailures = new AtomicLong();
    private final AtomicLong corpusFailures = new AtomicLong();

    /**
     * @param common              the built-in list of common passwords, or null when turned off
     * @param corpusFailurePolicy for lookups a corpus cannot answer
     * @param api                 the range API, or null
     * @param apiFailurePolicy    for range API calls that fail
     */
    public CompromisedCredentialCheck(CommonPasswords common, List<Path> corpusFiles,
                                      FailurePolicy corpusFailurePolicy, PwnedPasswordsClient api,
                                      FailurePolicy apiFailurePolicy) {
        this(common, corpusFiles, corpusFailurePolicy, api, apiFailurePolicy, System::currentTimeMillis);
    }

    CompromisedCredentialCheck(CommonPasswords common, List<Path> corpusFiles, FailurePolicy corpusFailurePolicy,
                               PwnedPasswordsClient api, FailurePolicy apiFailurePolicy, LongSupplier clock) {
        this.common = common;
        this.corpusFailurePolicy = corpusFailurePolicy;
        this.api = api;
        this.apiFailurePolicy = apiFailurePolicy;
        this.clock = clock;
        this.corpora = corpusFiles.stream().map(CorpusSource::new).toList();
    }

    /** Whether any breach data is configured at all. */
    public boolean isConfigured() {
        return common != null || !corpora.isEmpty() || api != null;
    }

    /**
     * @param minCount a password counts as compromised when seen at least this often
     */
    public Result check(String password, long minCount) {
        if (common != null && common.contains(password)) {
            return new Result(Status.FOUND, 0, true, "on the built-in list of the " + common.size()
                    + " most common passwords");
        }
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
            if (corpusProblem != null) {
                return new Result(Status.UNAVAILABLE, offline, corpusClosed, corpusProblem);
            }
            return new Result(Status.NOT_FOUND, offline, false, corpora.isEmpty()
                    ? "not on the built-in list of common passwords" : "not found in the offline breach corpus");
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

    /** Closes the corpus files; lookups find them unavailable afterwards. */
    @Override
    public void close() {
        corpora.forEach(CorpusSource::close);
    }

    /** One configured corpus file, followed as it is replaced or damaged. */
    private final class CorpusSource {
        private final ReloadingFile<BreachCorpus> file;
        private final String name;

        CorpusSource(Path path) {
            this.name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
            this.file = new ReloadingFile<>(path, CORPUS_FILES,
                    ReloadingFile.Timing.atEachUse(Duration.ofMillis(RELOAD_ATTEMPT_MILLIS),
                            Duration.ofMillis(RETRY_REFUSED_MILLIS)),
                    new ReloadingFile.Reports(LOG, Logger.Level.ERROR, "Breach corpus", consequence(),
                            corpusFailures::incrementAndGet),
                    clock);
        }

        private String consequence() {
            return String.format(Locale.ROOT, "until a complete corpus is in place, passwords %s (breach-corpus-failure"
                    + " %s); lookups that fail are counted as"
                    + " threat_protection_dependency_errors_total{dependency=\"breach_corpus\"}, not logged",
                    corpusFailurePolicy == FailurePolicy.CLOSED
                            ? "are treated as compromised (sign-ins blocked, accounts never locked)"
                            : "are not checked against it",
                    corpusFailurePolicy.name().toLowerCase(Locale.ROOT));
        }

        Answer count(byte[] sha1) {
            ReloadingFile.Loaded<BreachCorpus> used = file.current();
            Answer answer = lookup(used, sha1);
            ReloadingFile.Loaded<BreachCorpus> now = file.current();
            if (answer.failure() != null && now != null && now != used) {
                // A version opened meanwhile, perhaps by this very lookup, answers instead.
                used = now;
                answer = lookup(now, sha1);
            }
            if (answer.failure() == null) {
                file.answered(used);
                return answer;
            }
            file.lookupFailed(answer.failure());
            return new Answer(0, name + ": " + answer.failure());
        }

        /** Looks the hash up in {@code used}, then checks that its file is still as it was opened. */
        private Answer lookup(ReloadingFile.Loaded<BreachCorpus> used, byte[] sha1) {
            long count = 0;
            String failure = null;
            if (used == null) {
                String why = file.problem();
                failure = why == null ? "it is being opened" : why;
            } else {
                try {
                    count = used.contents().count(sha1);
                } catch (ClosedChannelException e) {
                    // Closed under us: the thread was interrupted while reading. The file itself is fine.
                    failure = "reading it was interrupted";
                    file.drop(used, failure, false);
                } catch (DamagedBlockException e) {
                    // Damage the checks at open cannot see (they do not read every block): nothing read from
                    // this file can be trusted, and opening it again would not help.
                    failure = ReloadingFile.describe(e);
                    file.drop(used, failure, true);
                } catch (Exception | Error e) {
                    if (e instanceof VirtualMachineError && !(e instanceof InternalError)) {
                        throw (VirtualMachineError) e;
                    }
                    failure = e instanceof IOException ? ReloadingFile.describe(e)
                            : "the lookup failed: " + ReloadingFile.describe(e);
                }
            }
            if (!file.lookIfDue(used)) {
                failure = ReloadingFile.CHANGED_IN_PLACE;
            }
            return new Answer(count, failure);
        }

        void close() {
            file.close();
        }
    }

    /** Corpus files as the server reads them: positional reads, so a file changed in place is noticed. */
    private static final ReloadingFile.Loader<BreachCorpus> CORPUS_FILES = new ReloadingFile.Loader<>() {
        @Override
        public BreachCorpus load(Path path) throws IOException {
            return BreachCorpus.open(path);
        }

        @Override
        public String describe(BreachCorpus corpus) {
            return String.format(Locale.ROOT, "%d entries, %.2f bytes per entry", corpus.entries(),
                    corpus.bytesPerEntry());
        }

        @Override
        public boolean keepsReadingFile() {
            return true;
        }

        @Override
        public void release(BreachCorpus corpus) throws IOException {
            corpus.close();
        }
    };
}
