package io.github.threatprotection.settings;

/** Whether threat protection is off, only records what it would do, or acts. */
public enum Mode {
    OFF,
    AUDIT,
    ENFORCED
}
