package io.github.threatprotection.risk;

/**
 * One signal that contributed to a risk level, with the score it added and a detail an operator can read.
 *
 * @param signal a {@link RiskSignal}'s name: events store it as text
 */
public record RiskReason(String signal, int score, String detail) {

    public RiskReason(RiskSignal signal, int score, String detail) {
        this(signal.name(), score, detail);
    }
}
