package io.github.threatprotection.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.Collections;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import io.github.threatprotection.Json;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskScoring;
import io.github.threatprotection.risk.RiskSignal;

class SettingsParserTest {

    private static final Predicate<String> ANY_CLIENT = clientId -> true;

    private static RealmSettings parse(String json) throws Exception {
        return SettingsParser.parse(Json.read(json.replace('\'', '"')), ANY_CLIENT);
    }

    private static Map<String, String> errors(String json, Predicate<String> clientExists) throws Exception {
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> SettingsParser.parse(Json.read(json.replace('\'', '"')), clientExists));
        return e.errors().stream().collect(Collectors.toMap(FieldError::field, FieldError::message, (a, b) -> a));
    }

    private static Map<String, String> errors(String json) throws Exception {
        return errors(json, ANY_CLIENT);
    }

    /** The default scores with one signal's changed. */
    private static Map<RiskSignal, Integer> withScore(RiskSignal signal, int score) {
        Map<RiskSignal, Integer> scores = new EnumMap<>(RiskScoring.DEFAULTS.scores());
        scores.put(signal, score);
        return scores;
    }

    private static List<String> fieldNamesOf(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void anEmptyDocumentGivesTheDefaults() throws Exception {
        RealmSettings settings = parse("{}");
        assertEquals(ThreatProtectionSettings.DEFAULTS, settings.realm());
        assertEquals(730, settings.retention().eventDays());
        assertFalse(settings.privacy().storeNetworkOnly(), "full addresses unless the realm says otherwise");
        assertEquals(400, settings.privacy().deviceCookieMaxAgeDays(), "as long as browsers keep a cookie");
    }

    @Test
    void privacyIsARealmOnlyBooleanOption() throws Exception {
        assertTrue(parse("{'privacy':{'storeNetworkOnly':true}}").privacy().storeNetworkOnly());
        assertFalse(parse("{'privacy':{}}").privacy().storeNetworkOnly());
        assertEquals(Set.of("privacy.storeNetworkOnly", "privacy.networkBits"),
                errors("{'privacy':{'storeNetworkOnly':'yes','networkBits':16}}").keySet());
        assertEquals(Set.of("privacy"), errors("{'privacy':true}").keySet());
        assertEquals(30, parse("{'privacy':{'deviceCookieMaxAgeDays':30}}").privacy().deviceCookieMaxAgeDays());
        assertEquals(1, parse("{'privacy':{'deviceCookieMaxAgeDays':1}}").privacy().deviceCookieMaxAgeDays());
        assertEquals(400, parse("{'privacy':{'deviceCookieMaxAgeDays':400,'storeNetworkOnly':true}}").privacy()
                .deviceCookieMaxAgeDays());
        for (String bad : List.of("0", "401", "-1", "30.5", "'30'", "null", "1e10")) {
            Map<String, String> errors = errors("{'privacy':{'deviceCookieMaxAgeDays':" + bad + "}}");
            assertEquals(Set.of("privacy.deviceCookieMaxAgeDays"), errors.keySet(), bad);
            assertEquals("must be a whole number from 1 to 400", errors.get("privacy.deviceCookieMaxAgeDays"));
        }
        assertEquals(Set.of("clients.app.privacy"),
                errors("{'clients':{'app':{'privacy':{'deviceCookieMaxAgeDays':30}}}}").keySet(),
                "one cookie per browser and realm: no client can have its own");
        assertEquals(Set.of("clients.app.privacy"),
                errors("{'clients':{'app':{'privacy':{'storeNetworkOnly':true}}}}").keySet(),
                "a client override cannot change what the realm's history keeps");
    }

    @Test
    void aCompleteDocumentRoundTripsThroughTheWriter() throws Exception {
        String json = "{'mode':'ENFORCED','compromisedCredentials':{'events':['SIGN_IN'],'action':'NO_ACTION',"
                + "'requirePasswordChange':true},"
                + "'accountTakeover':{'low':{'action':'MFA_IF_CONFIGURED','notify':true},"
                + "'medium':{'action':'MFA_REQUIRED','notify':true},'high':{'action':'BLOCK','notify':false},"
                + "'mfaFallback':'EMAIL_CODE'},"
                + "'ipExceptions':{'alwaysAllow':['203.0.113.0/24'],'alwaysBlock':['2001:db8::/32','198.51.100.7']},"
                + "'riskScoring':{'signals':{'NEW_DEVICE':25,'NEW_IP':0,'NEW_NETWORK':10,'NEW_COUNTRY':35,"
                + "'NEW_ASN':10,'IMPOSSIBLE_TRAVEL':100,'IP_REPUTATION':60,'FAILED_LOGIN_VELOCITY':30,"
                + "'NETWORK_VELOCITY':50,'SESSION_NETWORK_CHANGE':5,'SESSION_ASN_CHANGE':15,"
                + "'SESSION_COUNTRY_CHANGE':60,'SESSION_DEVICE_CHANGE':0,'USER_AT_RISK':55},"
                + "'thresholds':{'medium':40,'high':90},"
                + "'impossibleTravelKmh':1200.5,"
                + "'velocity':{'windowMinutes':60,'userFailures':8,'networkUsers':25}},"
                + "'notification':{'from':'security@example.com','replyTo':'',"
                + "'blockEmail':{'subject':'Blocked: {username}','htmlBody':'<p>{ip-address}</p>','textBody':''},"
                + "'mfaEmail':{'subject':'','htmlBody':'','textBody':'{one-click-link-invalid}'},"
                + "'noActionEmail':{'subject':'','htmlBody':'','textBody':''},"
                + "'passwordResetEmail':{'subject':'','htmlBody':'','textBody':''},'linkValidityDays':14,"
                + "'repeatAfterMinutes':0},"
                + "'sessions':{'ssoSignIn':true,'tokenRefresh':true,"
                + "'refreshActions':{'low':'NO_ACTION','medium':'REVOKE','high':'REVOKE'}},"
                + "'attackProtection':{'throttling':{'enabled':true,'scope':'NETWORK','failures':300,"
                + "'windowMinutes':60,'blockMinutes':30,'action':'BLOCK','refusalDelayMillis':250},"
                + "'resetMails':{'perNetwork':20,'perUser':3,'windowMinutes':30},"
                + "'registrations':{'perNetwork':10,'windowMinutes':120},"
                + "'challenge':{'difficulty':12,'validitySeconds':120}},"
                + "'retention':{'eventDays':30},'privacy':{'storeNetworkOnly':true,"
                + "'deviceCookieMaxAgeDays':90},'clients':{'app':{'mode':'AUDIT','riskScoring':{'thresholds':{'high':100}}}}}";
        JsonNode written = SettingsWriter.write(parse(json), ANY_CLIENT);
        assertEquals(Json.read(json.replace('\'', '"')), written);
    }

    @Test
    void throttlingIsOffByDefaultWithAuth0sDailyBudgetPerAddress() throws Exception {
        ThreatProtectionSettings.Throttling throttling = parse("{}").realm().attackProtection().throttling();
        assertFalse(throttling.enabled());
        assertEquals(ThrottleScope.ADDRESS, throttling.scope());
        assertEquals(100, throttling.failures());
        assertEquals(Duration.ofDays(1), throttling.window());
        assertEquals(Duration.ofHours(1), throttling.block());
        assertEquals(ThrottleAction.BLOCK, throttling.action());
        assertEquals(Duration.ofSeconds(1), throttling.refusalDelay());
    }

    @Test
    void throttlingValuesAreCheckedAndNameTheirField() throws Exception {
        Map<String, String> errors = errors("{'attackProtection':{'throttling':{'enabled':'yes','scope':'COUNTRY',"
                + "'failures':0,'windowMinutes':1441,'blockMinutes':10081,'action':'CAPTCHA','refusalDelayMillis':-1,"
                + "'extra':1},"
                + "'other':{}}}");
        assertEquals("must be true or false", errors.get("attackProtection.throttling.enabled"));
        assertEquals("must be one of ADDRESS, NETWORK", errors.get("attackProtection.throttling.scope"));
        assertEquals("must be a whole number from 1 to 100000", errors.get("attackProtection.throttling.failures"));
        assertEquals("must be a whole number from 1 to 1440", errors.get("attackProtection.throttling.windowMinutes"));
        assertEquals("must be a whole number from 1 to 10080", errors.get("attackProtection.throttling.blockMinutes"));
        assertEquals("must be one of BLOCK, CHALLENGE", errors.get("attackProtection.throttling.action"));
        assertEquals("must be a whole number from 0 to 10000",
                errors.get("attackProtection.throttling.refusalDelayMillis"));
        assertTrue(errors.containsKey("attackProtection.throttling.extra"));
        assertTrue(errors.containsKey("attackProtection.other"));
        ThreatProtectionSettings.Throttling highest = parse("{'attackProtection':{'throttling':{'failures':100000,"
                + "'windowMinutes':1440,'blockMinutes':10080,'refusalDelayMillis':10000}}}").realm()
                .attackProtection().throttling();
        assertEquals(100_000, highest.failures());
        assertEquals(Duration.ofDays(7), highest.block());
        assertEquals(Duration.ofSeconds(10), highest.refusalDelay());
        assertEquals(Duration.ZERO, parse("{'attackProtection':{'throttling':{'refusalDelayMillis':0}}}").realm()
                .attackProtection().throttling().refusalDelay(), "0: answered at once");
    }

    @Test
    void challengeIsAnActionWithADifficultyAndValidityThatAreChecked() throws Exception {
        ThreatProtectionSettings.AttackProtection defaults = parse("{}").realm().attackProtection();
        assertEquals(ThreatProtectionSettings.Challenge.DEFAULTS, defaults.challenge());
        ThreatProtectionSettings.AttackProtection set = parse("{'attackProtection':{'throttling':{'action':"
                + "'CHALLENGE'},'challenge':{'difficulty':26,'validitySeconds':10}}}").realm().attackProtection();
        assertEquals(ThrottleAction.CHALLENGE, set.throttling().action());
        assertEquals(26, set.challenge().difficulty());
        assertEquals(Duration.ofSeconds(10), set.challenge().validity());

        Map<String, String> errors = errors("{'attackProtection':{'challenge':{'difficulty':27,"
                + "'validitySeconds':9,'provider':'turnstile'}}}");
        assertEquals("must be a whole number from 1 to 26", errors.get("attackProtection.challenge.difficulty"));
        assertEquals("must be a whole number from 10 to 3600",
                errors.get("attackProtection.challenge.validitySeconds"));
        assertTrue(errors.containsKey("attackProtection.challenge.provider"));
        assertEquals("must be a whole number from 1 to 26",
                errors("{'attackProtection':{'challenge':{'difficulty':0}}}")
                        .get("attackProtection.challenge.difficulty"));
    }

    @Test
    void resetMailsAreLimitedPerUserByDefaultAndTheLimitsAreChecked() throws Exception {
        ThreatProtectionSettings.AttackProtection defaults = parse("{}").realm().attackProtection();
        assertEquals(0, defaults.resetMails().perNetwork());
        assertEquals(5, defaults.resetMails().perUser());
        assertEquals(Duration.ofHours(1), defaults.resetMails().window());
        assertEquals(0, defaults.registrations().perNetwork());
        Map<String, String> errors = errors("{'attackProtection':{'resetMails':{'perNetwork':-1,'perUser':1001,"
                + "'windowMinutes':0},'registrations':{'perNetwork':'many','windowMinutes':1441,'perUser':1}}}");
        assertEquals("must be a whole number from 0 to 1000", errors.get("attackProtection.resetMails.perNetwork"));
        assertEquals("must be a whole number from 0 to 1000", errors.get("attackProtection.resetMails.perUser"));
        assertEquals("must be a whole number from 1 to 1440", errors.get("attackProtection.resetMails.windowMinutes"));
        assertEquals("must be a whole number from 0 to 1000",
                errors.get("attackProtection.registrations.perNetwork"));
        assertEquals("must be a whole number from 1 to 1440",
                errors.get("attackProtection.registrations.windowMinutes"));
        assertTrue(errors.containsKey("attackProtection.registrations.perUser"));
    }

    @Test
    void aClientThrottlingOverrideMergesOverTheRealms() throws Exception {
        RealmSettings settings = parse("{'attackProtection':{'throttling':{'enabled':true,'scope':'NETWORK',"
                + "'failures':50}},'clients':{'app':{'attackProtection':{'throttling':{'enabled':false}}}}}");
        ThreatProtectionSettings.Throttling app = settings.forClient("app").attackProtection().throttling();
        assertFalse(app.enabled());
        assertEquals(ThrottleScope.NETWORK, app.scope());
        assertEquals(50, app.failures());
        assertTrue(settings.forClient("other").attackProtection().throttling().enabled());
        assertEquals("must be a whole number from 1 to 100000", errors("{'clients':{'app':{'attackProtection':"
                + "{'throttling':{'failures':-1}}}}}").get("clients.app.attackProtection.throttling.failures"));
    }

    @Test
    void theMfaFallbackIsBlockUnlessSetAndCanDifferPerClient() throws Exception {
        assertEquals(MfaFallback.BLOCK, parse("{}").realm().accountTakeover().mfaFallback());
        RealmSettings settings = parse("{'accountTakeover':{'medium':{'action':'MFA_REQUIRED'}},"
                + "'clients':{'app':{'accountTakeover':{'mfaFallback':'EMAIL_CODE'}}}}");
        assertEquals(MfaFallback.BLOCK, settings.realm().accountTakeover().mfaFallback());
        assertEquals(MfaFallback.EMAIL_CODE, settings.forClient("app").accountTakeover().mfaFallback());
        assertEquals(RiskAction.MFA_REQUIRED, settings.forClient("app").accountTakeover().medium().action(),
                "the realm's levels stay under the client's fallback");
        assertEquals(Set.of("accountTakeover.mfaFallback"),
                errors("{'accountTakeover':{'mfaFallback':'SMS'}}").keySet());
        assertEquals(Set.of("clients.app.accountTakeover.mfaFallback"),
                errors("{'clients':{'app':{'accountTakeover':{'mfaFallback':true}}}}").keySet());
    }

    @Test
    void unknownFieldsAreErrorsAtEveryLevel() throws Exception {
        Map<String, String> errors = errors("{'colour':1,'accountTakeover':{'extreme':{}},"
                + "'ipExceptions':{'alwaysMaybe':[]},'compromisedCredentials':{'how':1},"
                + "'accountTakeover2':{},'retention':{'days':3}}");
        assertEquals(Set.of("colour", "accountTakeover.extreme", "ipExceptions.alwaysMaybe",
                "compromisedCredentials.how", "accountTakeover2", "retention.days"), errors.keySet());
        assertTrue(errors.get("colour").contains("mode"), "the message lists the known fields");
    }

    @Test
    void wrongTypesAndValuesNameTheirField() throws Exception {
        Map<String, String> errors = errors("{'mode':'on','compromisedCredentials':{'events':'SIGN_IN',"
                + "'action':null},'accountTakeover':{'low':{'notify':'yes','action':3}},"
                + "'ipExceptions':{'alwaysBlock':[42,'x']},'retention':{'eventDays':0}}");
        assertEquals(Set.of("mode", "compromisedCredentials.events", "compromisedCredentials.action",
                "accountTakeover.low.notify", "accountTakeover.low.action", "ipExceptions.alwaysBlock[0]",
                "ipExceptions.alwaysBlock[1]", "retention.eventDays"), errors.keySet());
        assertTrue(errors.get("mode").contains("OFF, AUDIT, ENFORCED"));
    }

    @Test
    void aDocumentThatIsNotAnObjectIsOneError() throws Exception {
        assertEquals(Set.of(""), errors("[]").keySet());
        assertEquals(Set.of("clients"), errors("{'clients':[]}").keySet());
    }

    @Test
    void duplicateEventTypesAreRejected() throws Exception {
        assertEquals(Set.of("compromisedCredentials.events[1]"),
                errors("{'compromisedCredentials':{'events':['SIGN_UP','SIGN_UP']}}").keySet());
        assertEquals(Set.of(), parse("{'compromisedCredentials':{'events':[]}}").realm()
                .compromisedCredentials().events());
    }

    @Test
    void aPasswordResetIsNoEventForTheBreachCheck() throws Exception {
        // Using a reset link submits no password; the new one goes through the password policy.
        Map<String, String> errors = errors("{'compromisedCredentials':{'events':['SIGN_IN','PASSWORD_RESET']}}");
        assertEquals(Set.of("compromisedCredentials.events[1]"), errors.keySet());
        assertEquals("must be one of SIGN_IN, SIGN_UP, PASSWORD_CHANGE",
                errors.get("compromisedCredentials.events[1]"));
    }

    @Test
    void aHigherLevelMayNotGetAWeakerAction() throws Exception {
        Map<String, String> errors = errors("{'accountTakeover':{'low':{'action':'MFA_REQUIRED'},"
                + "'medium':{'action':'MFA_IF_CONFIGURED'},'high':{'action':'NO_ACTION'}}}");
        assertEquals(Set.of("accountTakeover.medium.action", "accountTakeover.high.action"), errors.keySet());
        assertEquals(RiskAction.BLOCK, parse("{'accountTakeover':{'low':{'action':'BLOCK'},"
                + "'medium':{'action':'BLOCK'},'high':{'action':'BLOCK'}}}").realm().accountTakeover().low().action());
    }

    @Test
    void theChallengeSitsBetweenAskingForMfaAndRequiringIt() throws Exception {
        RealmSettings settings = parse("{'accountTakeover':{'low':{'action':'MFA_IF_CONFIGURED'},"
                + "'medium':{'action':'CHALLENGE'},'high':{'action':'MFA_REQUIRED'}}}");
        assertEquals(RiskAction.CHALLENGE, settings.realm().accountTakeover().medium().action());
        assertEquals(RiskAction.CHALLENGE, parse("{'accountTakeover':{'high':{'action':'CHALLENGE'}}}").realm()
                .accountTakeover().high().action(), "after the default MEDIUM, MFA_IF_CONFIGURED");

        Map<String, String> errors = errors("{'accountTakeover':{'low':{'action':'CHALLENGE'},"
                + "'medium':{'action':'MFA_IF_CONFIGURED'},'high':{'action':'BLOCK'}}}");
        assertEquals(Set.of("accountTakeover.medium.action"), errors.keySet());
        assertEquals("MFA_IF_CONFIGURED is weaker than accountTakeover.low.action (CHALLENGE); a higher risk level "
                + "may not get a weaker action", errors.get("accountTakeover.medium.action"));
        assertEquals(Set.of("accountTakeover.high.action"), errors("{'accountTakeover':{'medium':{'action':"
                + "'MFA_REQUIRED'},'high':{'action':'CHALLENGE'}}}").keySet());
    }

    @Test
    void aClientOverrideMayChallenge() throws Exception {
        RealmSettings settings = parse("{'clients':{'app':{'accountTakeover':{'high':{'action':'CHALLENGE'}}}}}");
        assertEquals(RiskAction.CHALLENGE, settings.forClient("app").accountTakeover().high().action());
        assertEquals(RiskAction.MFA_REQUIRED, settings.forClient("other").accountTakeover().high().action());
        assertEquals(Set.of("clients.app.accountTakeover.high.action"), errors("{'clients':{'app':{'accountTakeover':"
                + "{'medium':{'action':'CHALLENGE'},'high':{'action':'MFA_IF_CONFIGURED'}}}}}", ANY_CLIENT).keySet(),
                "the override's levels are ordered too");
    }

    @Test
    void aClientOverrideMergesOverTheRealmSettings() throws Exception {
        RealmSettings settings = parse("{'mode':'AUDIT','compromisedCredentials':{'events':['SIGN_UP']},"
                + "'accountTakeover':{'high':{'action':'BLOCK'}},"
                + "'clients':{'app':{'mode':'ENFORCED','accountTakeover':{'medium':{'notify':false}}}}}");
        ThreatProtectionSettings app = settings.forClient("app");
        assertEquals(Mode.ENFORCED, app.mode());
        assertEquals(RiskAction.BLOCK, app.accountTakeover().high().action(), "inherited from the realm");
        assertFalse(app.accountTakeover().medium().notifyUser());
        assertEquals(RiskAction.MFA_IF_CONFIGURED, app.accountTakeover().medium().action(), "kept: not overridden");
        assertEquals(Set.of(EventType.SIGN_UP), app.compromisedCredentials().events());
        assertEquals(Mode.AUDIT, settings.forClient("other").mode());
        assertEquals(Mode.AUDIT, settings.forClient(null).mode());
    }

    @Test
    void clientOverridesAreCheckedOnTheirOwnAndMerged() throws Exception {
        Map<String, String> errors = errors("{'accountTakeover':{'medium':{'action':'MFA_REQUIRED'}},"
                + "'clients':{'gone':{},'app':{'accountTakeover':{'high':{'action':'NO_ACTION'}},'clients':{},"
                + "'retention':{'eventDays':1}}}}", clientId -> clientId.equals("app"));
        assertEquals(Set.of("clients.gone", "clients.app.accountTakeover.high.action", "clients.app.clients",
                "clients.app.retention"), errors.keySet());
    }

    @Test
    void sessionsAreOffByDefaultAndCheckedLikeTheRest() throws Exception {
        ThreatProtectionSettings.Sessions defaults = parse("{}").realm().sessions();
        assertFalse(defaults.tokenRefresh(), "refresh grants are evaluated only when the realm says so");
        assertFalse(defaults.ssoSignIn(), "SSO sign-ins too");
        assertEquals(new ThreatProtectionSettings.RefreshActions(RiskAction.NO_ACTION, RiskAction.NO_ACTION,
                RiskAction.REVOKE), defaults.refreshActions());

        RealmSettings settings = parse("{'sessions':{'tokenRefresh':true,'ssoSignIn':true},'clients':{'app':"
                + "{'sessions':{'tokenRefresh':false,'ssoSignIn':false,'refreshActions':{'medium':'REVOKE'}}}}}");
        assertTrue(settings.realm().sessions().tokenRefresh());
        assertTrue(settings.realm().sessions().ssoSignIn());
        assertFalse(settings.forClient("app").sessions().tokenRefresh());
        assertFalse(settings.forClient("app").sessions().ssoSignIn());
        assertEquals(RiskAction.REVOKE, settings.forClient("app").sessions().refreshActions().medium());
        assertEquals(RiskAction.REVOKE, settings.forClient("app").sessions().refreshActions().high(),
                "merged over the realm's");

        Map<String, String> errors = errors("{'sessions':{'tokenRefresh':'yes','ssoSignIn':'on',"
                + "'refreshActions':{'low':'BLOCK','medium':'MFA_REQUIRED','urgent':'REVOKE'}}}");
        assertEquals(Set.of("sessions.tokenRefresh", "sessions.ssoSignIn", "sessions.refreshActions.low",
                "sessions.refreshActions.medium", "sessions.refreshActions.urgent"), errors.keySet());
        assertEquals("must be one of NO_ACTION, REVOKE", errors.get("sessions.refreshActions.low"));
        assertEquals(Set.of("clients.app.sessions.refreshActions.high"), errors("{'clients':{'app':{'sessions':"
                + "{'refreshActions':{'medium':'REVOKE','high':'NO_ACTION'}}}}}").keySet());
        assertEquals("must be one of NO_ACTION, MFA_IF_CONFIGURED, CHALLENGE, MFA_REQUIRED, BLOCK",
                errors("{'accountTakeover':{'high':{'action':'REVOKE'}}}").get("accountTakeover.high.action"),
                "a sign-in has no session to revoke yet");
        assertEquals(Set.of("compromisedCredentials.events[1]"),
                errors("{'compromisedCredentials':{'events':['SIGN_IN','TOKEN_REFRESH']}}").keySet(),
                "a refresh grant submits no password");
    }

    @Test
    void theWrittenDocumentShowsTheDefaultRiskScoring() throws Exception {
        JsonNode written = SettingsWriter.write(parse("{}"), ANY_CLIENT).get("riskScoring");
        assertEquals(Json.read(("{'signals':{'NEW_DEVICE':15,'NEW_IP':5,'NEW_NETWORK':10,'NEW_COUNTRY':20,"
                + "'NEW_ASN':10,'IMPOSSIBLE_TRAVEL':70,'IP_REPUTATION':40,'FAILED_LOGIN_VELOCITY':30,"
                + "'NETWORK_VELOCITY':40,'SESSION_NETWORK_CHANGE':10,'SESSION_ASN_CHANGE':20,"
                + "'SESSION_COUNTRY_CHANGE':70,'SESSION_DEVICE_CHANGE':30,'USER_AT_RISK':40},"
                + "'thresholds':{'medium':30,'high':70},"
                + "'impossibleTravelKmh':900,"
                + "'velocity':{'windowMinutes':15,'userFailures':5,'networkUsers':10}}").replace('\'', '"')), written);
        assertEquals(RiskSignal.SCORED.stream().map(Enum::name).toList(),
                fieldNamesOf(written.get("signals")), "signals are written in RiskSignal order");
    }

    @Test
    void aPartialSignalsObjectChangesOnlyTheNamedSignals() throws Exception {
        RiskScoring scoring = parse("{'riskScoring':{'signals':{'NEW_IP':0,'IMPOSSIBLE_TRAVEL':100}}}").realm()
                .riskScoring();
        assertEquals(0, scoring.scoreOf(RiskSignal.NEW_IP));
        assertEquals(100, scoring.scoreOf(RiskSignal.IMPOSSIBLE_TRAVEL));
        for (RiskSignal signal : RiskSignal.SCORED) {
            if (signal != RiskSignal.NEW_IP && signal != RiskSignal.IMPOSSIBLE_TRAVEL) {
                assertEquals(RiskScoring.DEFAULTS.scoreOf(signal), scoring.scoreOf(signal), signal.name());
            }
        }
        assertEquals(RiskScoring.DEFAULTS.highAt(), scoring.highAt(), "sections left out keep their defaults");
    }

    @Test
    void riskScoringValuesOutsideTheirRangeNameTheirField() throws Exception {
        Map<String, String> errors = errors("{'riskScoring':{'signals':{'NEW_DEVICE':101,'NEW_IP':-1,"
                + "'NEW_ASN':1.5,'NEW_PLANET':10},'thresholds':{'medium':0,'high':1001},'impossibleTravelKmh':99.9,"
                + "'velocity':{'windowMinutes':1441,'userFailures':0,'networkUsers':100001}}}");
        assertEquals(Set.of("riskScoring.signals.NEW_DEVICE", "riskScoring.signals.NEW_IP",
                "riskScoring.signals.NEW_ASN", "riskScoring.signals.NEW_PLANET", "riskScoring.thresholds.medium",
                "riskScoring.thresholds.high", "riskScoring.impossibleTravelKmh", "riskScoring.velocity.windowMinutes",
                "riskScoring.velocity.userFailures", "riskScoring.velocity.networkUsers"), errors.keySet());
        assertTrue(errors.get("riskScoring.signals.NEW_PLANET").contains("NEW_DEVICE"), "lists the signals");
        assertTrue(errors.get("riskScoring.velocity.networkUsers").contains("1 to 100000"));
        assertEquals(Set.of("riskScoring.impossibleTravelKmh"),
                errors("{'riskScoring':{'impossibleTravelKmh':20000.1}}").keySet());
    }

    @Test
    void riskScoringAcceptsTheEndsOfEachRange() throws Exception {
        RiskScoring lowest = parse("{'riskScoring':{'signals':{'NEW_DEVICE':0},'thresholds':{'medium':1,'high':1},"
                + "'impossibleTravelKmh':100,'velocity':{'windowMinutes':1,'userFailures':1,'networkUsers':1}}}")
                .realm().riskScoring();
        assertEquals(new RiskScoring(withScore(RiskSignal.NEW_DEVICE, 0), 1, 1, 100, 1, 1, Duration.ofMinutes(1)),
                lowest);
        RiskScoring highest = parse("{'riskScoring':{'signals':{'NEW_DEVICE':100},"
                + "'thresholds':{'medium':1000,'high':1000},'impossibleTravelKmh':20000,"
                + "'velocity':{'windowMinutes':1440,'userFailures':10000,'networkUsers':100000}}}")
                .realm().riskScoring();
        assertEquals(new RiskScoring(withScore(RiskSignal.NEW_DEVICE, 100), 1000, 1000, 20_000, 10_000, 100_000,
                Duration.ofMinutes(1440)), highest);
    }

    @Test
    void riskScoringWrongTypesAndUnknownFieldsNameTheirField() throws Exception {
        Map<String, String> errors = errors("{'riskScoring':{'signals':{'NEW_COUNTRY':'20','new_ip':5},"
                + "'thresholds':{'low':10,'medium':null},'impossibleTravelKmh':'900',"
                + "'velocity':{'windowMinutes':true,'burst':3},'weights':{}}}");
        assertEquals(Set.of("riskScoring.signals.NEW_COUNTRY", "riskScoring.signals.new_ip",
                "riskScoring.thresholds.low", "riskScoring.thresholds.medium", "riskScoring.impossibleTravelKmh",
                "riskScoring.velocity.windowMinutes", "riskScoring.velocity.burst", "riskScoring.weights"),
                errors.keySet());
        assertEquals(Set.of("riskScoring.signals", "riskScoring.thresholds", "riskScoring.velocity"),
                errors("{'riskScoring':{'signals':[],'thresholds':70,'velocity':'fast'}}").keySet());
        assertEquals(Set.of("riskScoring"), errors("{'riskScoring':true}").keySet());
    }

    @Test
    void theHighThresholdMayNotBeBelowTheMediumOne() throws Exception {
        Map<String, String> errors = errors("{'riskScoring':{'thresholds':{'medium':80}}}");
        assertEquals(Set.of("riskScoring.thresholds.medium"), errors.keySet(),
                "checked against the default high, and medium is what the document set");
        assertTrue(errors.get("riskScoring.thresholds.medium").contains("(70)"), errors.toString());
        assertEquals(Set.of("riskScoring.thresholds.medium"),
                errors("{'riskScoring':{'thresholds':{'medium':80,'high':70}}}").keySet(), "both set: medium");
        assertEquals(Set.of("riskScoring.thresholds.high"),
                errors("{'riskScoring':{'thresholds':{'high':20}}}").keySet(), "only high set: high");
        RiskScoring equal = parse("{'riskScoring':{'thresholds':{'medium':50,'high':50}}}").realm().riskScoring();
        assertEquals(50, equal.mediumAt());
    }

    @Test
    void aClientRiskScoringOverrideMergesOverTheRealms() throws Exception {
        RealmSettings settings = parse("{'riskScoring':{'signals':{'NEW_IP':0},'thresholds':{'high':90},"
                + "'velocity':{'windowMinutes':30}},"
                + "'clients':{'app':{'riskScoring':{'signals':{'NEW_DEVICE':40},'thresholds':{'medium':80},"
                + "'velocity':{'userFailures':3}}}}}");
        RiskScoring app = settings.forClient("app").riskScoring();
        assertEquals(0, app.scoreOf(RiskSignal.NEW_IP), "inherited from the realm");
        assertEquals(40, app.scoreOf(RiskSignal.NEW_DEVICE));
        assertEquals(80, app.mediumAt(), "allowed: the merged high is the realm's 90, not the default 70");
        assertEquals(90, app.highAt());
        assertEquals(Duration.ofMinutes(30), app.velocityWindow());
        assertEquals(3, app.userFailures());
        assertEquals(RiskScoring.DEFAULTS.networkUsers(), app.networkUsers());
        assertEquals(30, settings.forClient("other").riskScoring().mediumAt());
    }

    @Test
    void aClientRiskScoringOverrideIsCheckedAfterMerging() throws Exception {
        Map<String, String> errors = errors("{'riskScoring':{'thresholds':{'medium':60}},"
                + "'clients':{'app':{'riskScoring':{'thresholds':{'high':50},'signals':{'NEW_PLANET':1}}},"
                + "'web':{'riskScoring':{'thresholds':{'high':65}}}}}");
        assertEquals(Set.of("clients.app.riskScoring.thresholds.high", "clients.app.riskScoring.signals.NEW_PLANET"),
                errors.keySet(), "web's 65 is above the realm's medium of 60, so it passes");
    }

    @Test
    void listsAreLimitedToTenThousandEntries() throws Exception {
        String many = "[" + String.join(",", Collections.nCopies(10_001, "'192.0.2.1'")) + "]";
        assertEquals(Set.of("ipExceptions.alwaysAllow"), errors("{'ipExceptions':{'alwaysAllow':" + many + "}}")
                .keySet());
    }

    @Test
    void aFloodOfBadEntriesGetsABoundedAnswer() throws Exception {
        String bad = "[" + String.join(",", Collections.nCopies(5_000, "'nope'")) + "]";
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> SettingsParser.parse(Json.read(("{'ipExceptions':{'alwaysBlock':" + bad + "}}")
                        .replace('\'', '"')), ANY_CLIENT));
        assertEquals(SettingsParser.MAX_ERRORS + 1, e.errors().size());
        FieldError last = e.errors().get(e.errors().size() - 1);
        assertTrue(last.message().contains("4900 more"), last.message());
    }

    @Test
    void ipListsKeepTheTextTheAdminWrote() throws Exception {
        List<String> written = parse("{'ipExceptions':{'alwaysBlock':['198.51.100.7','2001:DB8::/32']}}").realm()
                .ipExceptions().alwaysBlock().ranges().stream().map(r -> r.text()).toList();
        assertEquals(List.of("198.51.100.7", "2001:DB8::/32"), written);
    }

    @Test
    void notificationTextIsKeptAndMergedPerClient() throws Exception {
        RealmSettings settings = parse("{'notification': {'from': 'security@example.com', 'blockEmail':"
                + " {'subject': 'Blocked sign-in for {username}', 'textBody': 'From {ip-address} at {login-time}'}},"
                + " 'clients': {'app': {'notification': {'blockEmail': {'subject': 'App: {event-id}'}}}}}");
        NotificationSettings realm = settings.realm().notification();
        assertEquals("security@example.com", realm.from());
        assertEquals("Blocked sign-in for {username}", realm.blockEmail().subject());
        assertEquals("", realm.mfaEmail().subject());
        EmailTemplate app = settings.forClient("app").notification().blockEmail();
        assertEquals("App: {event-id}", app.subject());
        assertEquals("From {ip-address} at {login-time}", app.textBody());
        assertEquals(NotificationSettings.DEFAULT_LINK_VALIDITY_DAYS, realm.linkValidityDays());
        assertEquals(60, realm.repeatAfterMinutes(), "one mail of a kind per user and hour");
    }

    @Test
    void notificationProblemsNameTheirField() throws Exception {
        Map<String, String> errors = errors("{'notification': {'from': 'a b@example.com', 'replyTo': 'nobody',"
                + " 'mfaEmail': {'htmlBody': '<p>{username} {password}</p>', 'subject': 'Hi\\r\\nBcc: x@example.com'},"
                + " 'noActionEmail': {'textBody': 7, 'footer': ''}, 'linkValidityDays': 0, 'sender': '',"
                + " 'repeatAfterMinutes': 10081}}");
        assertTrue(errors.get("notification.from").contains("e-mail address"), errors.toString());
        assertTrue(errors.get("notification.replyTo").contains("e-mail address"), errors.toString());
        assertTrue(errors.get("notification.mfaEmail.htmlBody").contains("unknown placeholder {password}"),
                errors.toString());
        assertTrue(errors.get("notification.mfaEmail.subject").contains("single line"), errors.toString());
        assertTrue(errors.get("notification.noActionEmail.textBody").contains("must be a string"), errors.toString());
        assertTrue(errors.containsKey("notification.noActionEmail.footer"), errors.toString());
        assertTrue(errors.get("notification.linkValidityDays").contains("from 1 to 90"), errors.toString());
        assertTrue(errors.get("notification.sender").contains("blockEmail"), errors.toString());
        assertTrue(errors.get("notification.repeatAfterMinutes").contains("from 0 to 10080"), errors.toString());
        assertEquals(9, errors.size(), errors.toString());
    }

    @Test
    void notificationSectionRoundTrips() throws Exception {
        RealmSettings settings = parse("{'notification': {'replyTo': 'help@example.com', 'linkValidityDays': 3,"
                + " 'noActionEmail': {'htmlBody': '<b>{city}</b> {country}'}}}");
        JsonNode written = SettingsWriter.write(settings, ANY_CLIENT);
        assertEquals(settings.realm().notification(),
                SettingsParser.parse(written, ANY_CLIENT).realm().notification());
        assertEquals("<b>{city}</b> {country}", written.at("/notification/noActionEmail/htmlBody").textValue());
    }
}
