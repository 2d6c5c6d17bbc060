package io.github.threatprotection.throttling;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RefusalDelayTest {

    private static final Duration DELAY = Duration.ofMillis(20);

    @Test
    void holdsBackNoMoreAnswersAtOnceThanItHasSlots() {
        RefusalDelay delay = new RefusalDelay(2);

        assertTrue(delay.claimSlot(DELAY));
        assertTrue(delay.claimSlot(DELAY));
        assertFalse(delay.claimSlot(DELAY), "both slots taken: answered at once");

        delay.waitAndFree(DELAY);
        assertTrue(delay.claimSlot(DELAY), "a slot is free again once its wait is over");
        assertFalse(delay.claimSlot(DELAY));
    }

    @Test
    void noDelayOrNoSlotsHoldsNothingBack() {
        assertFalse(new RefusalDelay(2).claimSlot(Duration.ZERO));
        assertFalse(new RefusalDelay(0).claimSlot(DELAY));
    }

    @Test
    void anInterruptedWaitStillFreesItsSlot() {
        RefusalDelay delay = new RefusalDelay(1);
        assertTrue(delay.claimSlot(DELAY));

        Thread.currentThread().interrupt();
        delay.waitAndFree(Duration.ofMinutes(1));

        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        assertTrue(delay.claimSlot(DELAY));
    }
}
