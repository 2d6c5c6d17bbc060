package io.github.threatprotection.notification;

import java.time.Duration;
import java.util.Optional;

/**
 * When a notification whose delivery failed is tried again: the delay doubles from {@code firstRetry} up to
 * {@code maxDelay}, and after {@code maxAttempts} attempts it is given up.
 */
public record DeliverySchedule(Duration firstRetry, Duration maxDelay, int maxAttempts) {

    public DeliverySchedule {
        if (firstRetry.isNegative() || firstRetry.isZero() || maxDelay.compareTo(firstRetry) < 0 || maxAttempts < 1) {
            throw new IllegalArgumentException("need 0 < firstRetry <= maxDelay and maxAttempts >= 1");
        }
    }

    /** After this many failed attempts: how long to wait before the next, or empty to give up. */
    public Optional<Duration> retryAfter(int failedAttempts) {
        if (failedAttempts >= maxAttempts) {
            return Optional.empty();
        }
        Duration delay = firstRetry;
        for (int i = 1; i < failedAttempts && delay.compareTo(maxDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return Optional.of(delay.compareTo(maxDelay) > 0 ? maxDelay : delay);
    }
}
