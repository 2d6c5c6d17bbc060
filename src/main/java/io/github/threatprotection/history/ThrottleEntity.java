package io.github.threatprotection.history;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A row of {@code TP_THROTTLE}: one time a source was throttled, for operators to list and release. Sign-ins
 * never read it: they look the throttle up in Keycloak's single-use object store.
 */
@Entity
@Table(name = "TP_THROTTLE")
public class ThrottleEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", nullable = false)
    private String realmId;

    /** An address ({@code 198.51.100.7}) or a network in CIDR notation ({@code 198.51.100.0/24}). */
    @Column(name = "SOURCE", nullable = false)
    private String source;

    @Column(name = "SCOPE", nullable = false)
    private String scope;

    /** Failures counted when the source was throttled. */
    @Column(name = "FAILURES", nullable = false)
    private int failures;

    @Column(name = "THROTTLED_AT", nullable = false)
    private long throttledAt;

    @Column(name = "EXPIRES_AT", nullable = false)
    private long expiresAt;

    @Column(name = "RELEASED_AT")
    private Long releasedAt;

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getRealmId() {
        return realmId;
    }

    public void setRealmId(String realmId) {
        this.realmId = realmId;
    }

    public String getSource() {
        return source;
    }

    public void setSource(String source) {
        this.source = source;
    }

    public String getScope() {
        return scope;
    }

    public void setScope(String scope) {
        this.scope = scope;
    }

    public int getFailures() {
        return failures;
    }

    public void setFailures(int failures) {
        this.failures = failures;
    }

    public long getThrottledAt() {
        return throttledAt;
    }

    public void setThrottledAt(long throttledAt) {
        this.throttledAt = throttledAt;
    }

    public long getExpiresAt() {
        return expiresAt;
    }

    public void setExpiresAt(long expiresAt) {
        this.expiresAt = expiresAt;
    }

    public Long getReleasedAt() {
        return releasedAt;
    }

    public void setReleasedAt(Long releasedAt) {
        this.releasedAt = releasedAt;
    }
}
