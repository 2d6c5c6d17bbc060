package io.github.threatprotection.support;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What one logger logs during each test, for unit tests that check what is (not) logged; register it with
 * {@code @RegisterExtension}. JBoss Logging hands over to java.util.logging on the test classpath, so the
 * records carry JBoss Logging's level names (WARN, not WARNING).
 */
public final class CapturedLog implements BeforeEachCallback, AfterEachCallback {

    // Held so that java.util.logging does not collect the logger, and the handler with it.
    private final Logger logger;
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (records) {
                records.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private CapturedLog(String loggerName) {
        this.logger = Logger.getLogger(loggerName);
    }

    public static CapturedLog of(Class<?> loggingClass) {
        return new CapturedLog(loggingClass.getName());
    }

    public static CapturedLog named(String loggerName) {
        return new CapturedLog(loggerName);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        logger.addHandler(handler);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        logger.removeHandler(handler);
    }

    /** Everything logged so far, oldest first. */
    public List<LogRecord> records() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    /** The messages of warnings and errors, oldest first. */
    public List<String> warnings() {
        return records().stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogRecord::getMessage).toList();
    }

    /** Each record as its level's name and its message, oldest first. */
    public List<String> messages() {
        return records().stream().map(r -> r.getLevel() + " " + r.getMessage()).toList();
    }

    public void clear() {
        synchronized (records) {
            records.clear();
        }
    }
}
