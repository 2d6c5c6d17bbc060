package io.github.threatprotection;

import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs a property over a fixed number of generated cases. One {@link Random} with a fixed seed drives all cases
 * of a property, so every run checks the same inputs and a failure can be replayed by rerunning the test.
 */
public final class RandomCases {

    private RandomCases() {
    }

    /**
     * Checks {@code property} against {@code cases} inputs made by {@code generator}. The first failing case stops
     * the run with an error naming the case number, the seed, the failure and the input.
     */
    public static <T> void check(long seed, int cases, Function<Random, T> generator, Consumer<T> property) {
        Random random = new Random(seed);
        for (int i = 1; i <= cases; i++) {
            T input = generator.apply(random);
            try {
                property.accept(input);
            } catch (Throwable failure) {
                throw new AssertionError("case " + i + " of " + cases + " (seed " + seed + ") failed: " + failure
                        + "\n  input: " + RandomInputs.readable(input), failure);
            }
        }
    }
}
