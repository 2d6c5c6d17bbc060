package io.github.threatprotection.history;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of {@code TP_FAILED_SIGN_IN}: one failed sign-in, kept for the velocity window. */
@Entity
@Table(name = "TP_FAILED_SIGN_IN")
public class FailedSignInEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", nullable = false)
    private String realmId;

    /** The user's id, or {@code username:<name>} for a username that names no user. */
    @Column(name = "USER_KEY", nullable = false)
    private String userKey;

    @Column(name = "NETWORK")
    private String network;

    /** The client's address as {@code ClientAddress.host()} gives it, for throttling per address. */
    @Column(name = "ADDRESS")
    private String address;

    @Column(name = "FAILED_AT", nullable = false)
    private long failedAt;

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

    public String getUserKey() {
        return userKey;
    }

    public void setUserKey(String userKey) {
        this.userKey = userKey;
    }

    public String getNetwork() {
        return network;
    }

    public void setNetwork(String network) {
        this.network = network;
    }

    public String getAddress() {
        return address;
    }

    public void setAddress(String address) {
        this.address = address;
    }

    public long getFailedAt() {
        return failedAt;
    }

    public void setFailedAt(long failedAt) {
        this.failedAt = failedAt;
    }
}
