package io.github.threatprotection.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void anEmptyDocumentGivesTheDefaults() throws Exception {
        RealmSettings settings = parse("{}");
        assertEquals(ThreatProtectionSettings.DEFAULTS, settings.realm());
        assertEquals(730, settings.retention().eventDays());
    }

    @Test
    void aCompleteDocumentRoundTripsThroughTheWriter() throws Exception {
        String json = "{'mode':'ENFORCED','compromisedCredentials':{'events':['SIGN_IN'],'action':'NO_ACTION',"
                + "'requirePasswordChange':true},"
                + "'accountTakeover':{'low':{'action':'MFA_IF_CONFIGURED','notify':true},"
                + "'medium':{'action':'MFA_REQUIRED','notify':true},'high':{'action':'BLOCK','notify':false}},"
                + "'ipExceptions':{'alwaysAllow':['203.0.113.0/24'],'alwaysBlock':['2001:db8::/32','198.51.100.7']},"
                + "'retention':{'eventDays':30},'clients':{'app':{'mode':'AUDIT'}}}";
        JsonNode written = SettingsWriter.write(parse(json), ANY_CLIENT);
        assertEquals(Json.read(json.replace('\'', '"')), written);
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
    void aHigherLevelMayNotGetAWeakerAction() throws Exception {
        Map<String, String> errors = errors("{'accountTakeover':{'low':{'action':'MFA_REQUIRED'},"
                + "'medium':{'action':'MFA_IF_CONFIGURED'},'high':{'action':'NO_ACTION'}}}");
        assertEquals(Set.of("accountTakeover.medium.action", "accountTakeover.high.action"), errors.keySet());
        assertEquals(RiskAction.BLOCK, parse("{'accountTakeover':{'low':{'action':'BLOCK'},"
                + "'medium':{'action':'BLOCK'},'high':{'action':'BLOCK'}}}").realm().accountTakeover().low().action());
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
}
