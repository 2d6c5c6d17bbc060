package io.github.threatprotection.risk;

/** One signal that contributed to a risk level, with the score it added and a detail an operator can read. */
public record RiskReason(String signal, int score, String detail) {
}
