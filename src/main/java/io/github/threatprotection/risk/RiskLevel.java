package io.github.threatprotection.risk;

/** How risky a sign-in looks, in Cognito's three levels. */
public enum RiskLevel {
    LOW,
    MEDIUM,
    HIGH
}
