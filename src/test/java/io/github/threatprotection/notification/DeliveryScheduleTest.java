package io.github.threatprotection.notification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class DeliveryScheduleTest {

    @Test
    void theDelayDoublesUpToTheMaximumAndStopsAfterTheLastAttempt() {
        DeliverySchedule schedule = new DeliverySchedule(Duration.ofSeconds(60), Duration.ofSeconds(300), 6);
        assertEquals(Optional.of(Duration.ofSeconds(60)), schedule.retryAfter(1));
        assertEquals(Optional.of(Duration.ofSeconds(120)), schedule.retryAfter(2));
        assertEquals(Optional.of(Duration.ofSeconds(240)), schedule.retryAfter(3));
        assertEquals(Optional.of(Duration.ofSeconds(300)), schedule.retryAfter(4));
        assertEquals(Optional.of(Duration.ofSeconds(300)), schedule.retryAfter(5));
        assertEquals(Optional.empty(), schedule.retryAfter(6));
    }

    @Test
    void aHugeAttemptCountDoesNotOverflow() {
        DeliverySchedule schedule = new DeliverySchedule(Duration.ofSeconds(1), Duration.ofHours(1),
                Integer.MAX_VALUE);
        assertEquals(Optional.of(Duration.ofHours(1)), schedule.retryAfter(1_000_000));
    }

    @Test
    void nonsenseSchedulesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new DeliverySchedule(Duration.ZERO, Duration.ofSeconds(1), 1));
        assertThrows(IllegalArgumentException.class,
                () -> new DeliverySchedule(Duration.ofSeconds(2), Duration.ofSeconds(1), 1));
        assertThrows(IllegalArgumentException.class,
                () -> new DeliverySchedule(Duration.ofSeconds(1), Duration.ofSeconds(1), 0));
    }
}
