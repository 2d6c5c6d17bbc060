package io.github.threatprotection.history;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.Nationalized;

/**
 * A row of {@code TP_RISK_EVENT}; the columns are created by {@code threat-protection-changelog.xml}. Updates
 * (notification delivery, feedback, MFA outcome) write only the columns they change, not the whole row.
 */
@Entity
@DynamicUpdate
@Table(name = "TP_RISK_EVENT")
public class RiskEventEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", nullable = false)
    private String realmId;

    @Column(name = "USER_ID")
    private String userId;

    @Column(name = "CLIENT_ID")
    private String clientId;

    @Column(name = "EVENT_TYPE", nullable = false)
    private String type;

    @Column(name = "EVENT_TIME", nullable = false)
    private long time;

    @Column(name = "RESPONSE", nullable = false)
    private String response;

    @Column(name = "RISK_LEVEL", nullable = false)
    private String riskLevel;

    @Column(name = "RISK_ACTION", nullable = false)
    private String riskAction;

    @Column(name = "ENFORCED", nullable = false)
    private boolean enforced;

    @Column(name = "IP_OVERRIDE")
    private String ipOverride;

    @Column(name = "COMPROMISED_CREDENTIALS", nullable = false)
    private boolean compromisedCredentials;

    @Nationalized
    @Column(name = "REASONS")
    private String reasons;

    @Column(name = "IP_ADDRESS")
    private String ipAddress;

    @Nationalized
    @Column(name = "DEVICE_NAME")
    private String deviceName;

    @Nationalized
    @Column(name = "CITY")
    private String city;

    @Column(name = "COUNTRY")
    private String country;

    @Column(name = "NETWORK")
    private String network;

    @Column(name = "ASN")
    private Long asn;

    @Column(name = "LATITUDE")
    private Double latitude;

    @Column(name = "LONGITUDE")
    private Double longitude;

    @Column(name = "ACCURACY_KM")
    private Integer accuracyKm;

    @Column(name = "DEVICE_ID")
    private String deviceId;

    @Column(name = "AUTH_METHOD")
    private String authMethod;

    @Nationalized
    @Column(name = "IDENTITY_PROVIDER")
    private String identityProvider;

    @Column(name = "MFA_OUTCOME")
    private String mfaOutcome;

    @Column(name = "MFA_CHALLENGE")
    private String mfaChallenge;

    @Column(name = "FEEDBACK_VALUE")
    private String feedbackValue;

    @Column(name = "FEEDBACK_PROVIDER")
    private String feedbackProvider;

    @Column(name = "FEEDBACK_TIME")
    private Long feedbackTime;

    @Column(name = "NOTIFY_KIND")
    private String notifyKind;

    @Column(name = "NOTIFY_STATUS")
    private String notifyStatus;

    @Nationalized
    @Column(name = "NOTIFY_DETAIL")
    private String notifyDetail;

    @Column(name = "NOTIFY_ATTEMPTS")
    private Integer notifyAttempts;

    @Column(name = "NOTIFY_NEXT_AT")
    private Long notifyNextAt;

    @Column(name = "NOTIFY_LEASE_UNTIL")
    private Long notifyLeaseUntil;

    @Column(name = "NOTIFY_LINK_BASE")
    private String notifyLinkBase;

    /** What the decision was made from ({@code decision.ReplayFacts}); null for events before it was kept. */
    @Column(name = "FACTS")
    private String facts;

    public String getFacts() {
        return facts;
    }

    public void setFacts(String facts) {
        this.facts = facts;
    }

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

    public String getUserId() {
        return userId;
    }

    public void setUserId(String userId) {
        this.userId = userId;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public long getTime() {
        return time;
    }

    public void setTime(long time) {
        this.time = time;
    }

    public String getResponse() {
        return response;
    }

    public void setResponse(String response) {
        this.response = response;
    }

    public String getRiskLevel() {
        return riskLevel;
    }

    public void setRiskLevel(String riskLevel) {
        this.riskLevel = riskLevel;
    }

    public String getRiskAction() {
        return riskAction;
    }

    public void setRiskAction(String riskAction) {
        this.riskAction = riskAction;
    }

    public boolean isEnforced() {
        return enforced;
    }

    public void setEnforced(boolean enforced) {
        this.enforced = enforced;
    }

    public String getIpOverride() {
        return ipOverride;
    }

    public void setIpOverride(String ipOverride) {
        this.ipOverride = ipOverride;
    }

    public boolean isCompromisedCredentials() {
        return compromisedCredentials;
    }

    public void setCompromisedCredentials(boolean compromisedCredentials) {
        this.compromisedCredentials = compromisedCredentials;
    }

    public String getReasons() {
        return reasons;
    }

    public void setReasons(String reasons) {
        this.reasons = reasons;
    }

    public String getIpAddress() {
        return ipAddress;
    }

    public void setIpAddress(String ipAddress) {
        this.ipAddress = ipAddress;
    }

    public String getDeviceName() {
        return deviceName;
    }

    public void setDeviceName(String deviceName) {
        this.deviceName = deviceName;
    }

    public String getCity() {
        return city;
    }

    public void setCity(String city) {
        this.city = city;
    }

    public String getCountry() {
        return country;
    }

    public void setCountry(String country) {
        this.country = country;
    }

    public String getNetwork() {
        return network;
    }

    public void setNetwork(String network) {
        this.network = network;
    }

    public Long getAsn() {
        return asn;
    }

    public void setAsn(Long asn) {
        this.asn = asn;
    }

    public Double getLatitude() {
        return latitude;
    }

    public void setLatitude(Double latitude) {
        this.latitude = latitude;
    }

    public Double getLongitude() {
        return longitude;
    }

    public void setLongitude(Double longitude) {
        this.longitude = longitude;
    }

    public Integer getAccuracyKm() {
        return accuracyKm;
    }

    public void setAccuracyKm(Integer accuracyKm) {
        this.accuracyKm = accuracyKm;
    }

    public String getDeviceId() {
        return deviceId;
    }

    public void setDeviceId(String deviceId) {
        this.deviceId = deviceId;
    }

    public String getMfaOutcome() {
        return mfaOutcome;
    }

    public void setMfaOutcome(String mfaOutcome) {
        this.mfaOutcome = mfaOutcome;
    }

    public String getMfaChallenge() {
        return mfaChallenge;
    }

    public void setMfaChallenge(String mfaChallenge) {
        this.mfaChallenge = mfaChallenge;
    }

    public String getFeedbackValue() {
        return feedbackValue;
    }

    public void setFeedbackValue(String feedbackValue) {
        this.feedbackValue = feedbackValue;
    }

    public String getFeedbackProvider() {
        return feedbackProvider;
    }

    public void setFeedbackProvider(String feedbackProvider) {
        this.feedbackProvider = feedbackProvider;
    }

    public Long getFeedbackTime() {
        return feedbackTime;
    }

    public void setFeedbackTime(Long feedbackTime) {
        this.feedbackTime = feedbackTime;
    }

    public String getNotifyKind() {
        return notifyKind;
    }

    public void setNotifyKind(String notifyKind) {
        this.notifyKind = notifyKind;
    }

    public String getNotifyStatus() {
        return notifyStatus;
    }

    public void setNotifyStatus(String notifyStatus) {
        this.notifyStatus = notifyStatus;
    }

    public String getNotifyDetail() {
        return notifyDetail;
    }

    /** At most the column's 255 characters: an SMTP server's message may be longer, and costs its tail. */
    public void setNotifyDetail(String notifyDetail) {
        this.notifyDetail = notifyDetail == null || notifyDetail.length() <= 255 ? notifyDetail
                : notifyDetail.substring(0, 255);
    }

    public Integer getNotifyAttempts() {
        return notifyAttempts;
    }

    public void setNotifyAttempts(Integer notifyAttempts) {
        this.notifyAttempts = notifyAttempts;
    }

    public Long getNotifyNextAt() {
        return notifyNextAt;
    }

    public void setNotifyNextAt(Long notifyNextAt) {
        this.notifyNextAt = notifyNextAt;
    }

    public Long getNotifyLeaseUntil() {
        return notifyLeaseUntil;
    }

    public void setNotifyLeaseUntil(Long notifyLeaseUntil) {
        this.notifyLeaseUntil = notifyLeaseUntil;
    }

    public String getNotifyLinkBase() {
        return notifyLinkBase;
    }

    public void setNotifyLinkBase(String notifyLinkBase) {
        this.notifyLinkBase = notifyLinkBase;
    }

    public String getAuthMethod() {
        return authMethod;
    }

    public void setAuthMethod(String authMethod) {
        this.authMethod = authMethod;
    }

    public String getIdentityProvider() {
        return identityProvider;
    }

    public void setIdentityProvider(String identityProvider) {
        this.identityProvider = identityProvider;
    }
}
