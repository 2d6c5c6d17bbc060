package io.github.threatprotection.admin;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.keycloak.common.util.Time;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import io.github.threatprotection.Enums;
import io.github.threatprotection.Json;
import io.github.threatprotection.decision.Simulation;
import io.github.threatprotection.decision.SignInReplay;
import io.github.threatprotection.feedback.FeedbackEffects;
import io.github.threatprotection.history.EventQuery;
import io.github.threatprotection.history.EventSummary;
import io.github.threatprotection.history.FailedSignInStore;
import io.github.threatprotection.history.FailedSignInStore.SourceFailures;
import io.github.threatprotection.history.FailedSignInStore.Throttle;
import io.github.threatprotection.history.Feedback;
import io.github.threatprotection.history.RiskEvent;
import io.github.threatprotection.risk.EventType;
import io.github.threatprotection.risk.RiskAction;
import io.github.threatprotection.risk.RiskLevel;
import io.github.threatprotection.risk.UserRisk;
import io.github.threatprotection.password.CompromisedPasswordLock;
import io.github.threatprotection.settings.Mode;
import io.github.threatprotection.userrisk.UserRiskJson;
import io.github.threatprotection.userrisk.UserRiskStore;
import io.github.threatprotection.settings.FieldError;
import io.github.threatprotection.settings.InvalidSettingsException;
import io.github.threatprotection.settings.RealmSettings;
import io.github.threatprotection.settings.SettingsParser;
import io.github.threatprotection.settings.SettingsDraft;
import io.github.threatprotection.settings.SettingsWriter;
import io.github.threatprotection.settings.ThrottleScope;
import io.github.threatprotection.spi.ThreatProtectionProvider;

/**
 * {@code /admin/realms/{realm}/threat-protection}. Keycloak authenticates the caller before this resource is
 * reached; each method checks the caller's realm-management roles.
 */
public class ThreatProtectionResource {

    static final int DEFAULT_PAGE_SIZE = 100;
    static final int MAX_PAGE_SIZE = 1000;
    /** Events read per transaction while a CSV export streams. */
    static final int CSV_PAGE_SIZE = 500;
    static final int SUMMARY_DAYS = 14;
    static final int MAX_SUMMARY_DAYS = 366;
    static final int MAX_RISK_REASON = 200;
    static final int SIMULATION_DAYS = 14;
    static final Duration MAX_SIMULATION_WINDOW = Duration.ofDays(366);

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;
    private final ThreatProtectionProvider threatProtection;
    private final Set<String> simulating;

    ThreatProtectionResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                             AdminEventBuilder adminEvent, Set<String> simulating) {
        this.session = session;
        this.simulating = simulating;
        this.realm = realm;
        this.auth = auth;
        // CUSTOM rather than a type of our own: Keycloak's admin-event search rejects types it does not know.
        this.adminEvent = adminEvent.resource(ResourceType.CUSTOM);
        this.threatProtection = session.getProvider(ThreatProtectionProvider.class);
    }

    @GET
    @Path("settings")
    @Produces(MediaType.APPLICATION_JSON)
    public Response getSettings() {
        auth.realm().requireViewRealm();
        return json(settingsDocument(threatProtection.settings().read(realm)));
    }

    @PUT
    @Path("settings")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response putSettings(String body) {
        auth.realm().requireManageRealm();
        JsonNode document;
        try {
            document = Json.read(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            return ErrorResponses.badRequest("", "not valid JSON: " + e.getOriginalMessage());
        }
        ObjectNode stored;
        try {
            stored = threatProtection.settings().write(session, realm, document, adminEvent);
        } catch (InvalidSettingsException e) {
            return ErrorResponses.badRequest(e.errors());
        }
        // The body stays the stored document (clients PUT it back as it is); warnings go in headers.
        Response.ResponseBuilder response = Response.ok(Json.write(stored), MediaType.APPLICATION_JSON_TYPE);
        for (EnforcedModeWarnings.Warning warning : warnings()) {
            response.header(EnforcedModeWarnings.HEADER, warning.headerValue());
        }
        return response.build();
    }

    private List<EnforcedModeWarnings.Warning> warnings() {
        return EnforcedModeWarnings.of(realm, threatProtection.settings().read(realm));
    }

    /**
     * Imports the output of {@code aws cognito-idp describe-risk-configuration} (see
     * {@link CognitoRiskConfiguration}), merged over the realm's settings and validated like {@code PUT
     * settings}; {@code dryRun=true} answers what would be saved without saving it.
     */
    @POST
    @Path("settings/cognito")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response importCognitoSettings(@QueryParam("dryRun") String dryRun,
                                          @QueryParam("clientId") String clientId, String body) {
        auth.realm().requireManageRealm();
        if (dryRun != null && !dryRun.equals("true") && !dryRun.equals("false")) {
            return ErrorResponses.badRequest("dryRun", "must be true or false");
        }
        JsonNode document;
        try {
            document = Json.read(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            return ErrorResponses.badRequest("", "not valid JSON: " + e.getOriginalMessage());
        }
        CognitoRiskConfiguration.Conversion conversion;
        try {
            conversion = CognitoRiskConfiguration.convert(document,
                    settingsDocument(threatProtection.settings().read(realm)),
                    clientId == null || clientId.isEmpty() ? null : clientId,
                    id -> realm.getClientByClientId(id) != null);
        } catch (InvalidSettingsException e) {
            return ErrorResponses.badRequest(e.errors());
        }
        ObjectNode settings = conversion.document();
        if (!"true".equals(dryRun)) {
            try {
                settings = threatProtection.settings().write(session, realm, conversion.document(), adminEvent);
            } catch (InvalidSettingsException e) {
                return ErrorResponses.badRequest(e.errors());
            }
        }
        ObjectNode result = Json.object();
        result.set("settings", settings);
        ArrayNode unmapped = result.putArray("unmapped");
        for (CognitoRiskConfiguration.Unmapped field : conversion.unmapped()) {
            unmapped.addObject().put("field", field.field()).put("reason", field.reason());
        }
        ArrayNode warnings = result.putArray("warnings");
        RealmSettings imported;
        try {
            imported = SettingsParser.parse(settings, id -> realm.getClientByClientId(id) != null);
        } catch (InvalidSettingsException e) {
            return ErrorResponses.badRequest(e.errors());
        }
        for (EnforcedModeWarnings.Warning warning : EnforcedModeWarnings.of(realm, imported)) {
            warnings.addObject().put("code", warning.code()).put("message", warning.message());
        }
        return json(result);
    }

    /**
     * Installs protected copies of the realm's browser, direct-grant and reset-credentials flows (see
     * {@link ProtectedFlows}) and binds them, and sets a post broker login flow on identity providers without one
     * (201). On a realm installed before (its browser copy exists), adds only what that install lacks, the SSO
     * sub-flow and the client policy, and answers 200 with what it found and added; 409 when some of the flows
     * exist without the browser copy. The copies keep the realm's own second-factor sub-flows unless
     * {@code riskDecidesMfa=true}; the answer names the sub-flows kept and disabled. Also adds the client profile
     * and policy that let refresh-token grants be evaluated ({@link TokenRefreshPolicy}), unless the realm has
     * them.
     */
    @POST
    @Path("flows")
    @Produces(MediaType.APPLICATION_JSON)
    public Response installFlows(@QueryParam("riskDecidesMfa") String riskDecidesMfa) {
        auth.realm().requireManageRealm();
        if (riskDecidesMfa != null && !riskDecidesMfa.equals("true") && !riskDecidesMfa.equals("false")) {
            return ErrorResponses.badRequest("riskDecidesMfa", "must be true or false");
        }
        ProtectedFlows.Installed installed;
        boolean clientPolicyAdded;
        try {
            ProtectedFlows.Upgraded upgraded = ProtectedFlows.upgrade(realm);
            if (upgraded != null) {
                clientPolicyAdded = TokenRefreshPolicy.install(session, realm);
                ObjectNode result = Json.object()
                        .put("upgraded", true)
                        .put("browserFlow", upgraded.browserFlow())
                        .put("ssoSubFlow", upgraded.ssoSubFlow())
                        .put("ssoSubFlowAdded", upgraded.ssoSubFlowAdded())
                        .put("clientPolicy", TokenRefreshPolicy.NAME)
                        .put("clientPolicyAdded", clientPolicyAdded);
                adminEvent.operation(OperationType.UPDATE)
                        .resourcePath(session.getContext().getUri())
                        .representation(result)
                        .success();
                return Response.ok(Json.write(result), MediaType.APPLICATION_JSON_TYPE).build();
            }
            installed = ProtectedFlows.install(session, realm, "true".equals(riskDecidesMfa));
            clientPolicyAdded = TokenRefreshPolicy.install(session, realm);
        } catch (IllegalStateException e) {
            return Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Json.write(Json.object().put("error", e.getMessage()))).build();
        } catch (ClientPolicyException e) {
            // Keycloak refused the realm's client policies with ours added: nothing is kept.
            session.getTransactionManager().setRollbackOnly();
            return ErrorResponses.badRequest("clientPolicies", e.getErrorDetail() == null ? e.getError()
                    : e.getErrorDetail());
        }
        ObjectNode result = Json.object()
                .put("browserFlow", installed.browserFlow())
                .put("directGrantFlow", installed.directGrantFlow())
                .put("resetCredentialsFlow", installed.resetCredentialsFlow())
                .put("postBrokerLoginFlow", installed.postBrokerLoginFlow())
                .put("ssoSubFlow", installed.ssoSubFlow())
                .put("registrationFlow", installed.registrationFlow())
                .put("riskDecidesMfa", installed.riskDecidesMfa())
                .put("clientPolicy", TokenRefreshPolicy.NAME)
                .put("clientPolicyAdded", clientPolicyAdded);
        installed.kept().forEach(result.putArray("keptSubFlows")::add);
        installed.disabled().forEach(result.putArray("disabledSubFlows")::add);
        installed.identityProviders().forEach(result.putArray("identityProviders")::add);
        adminEvent.operation(OperationType.CREATE)
                .resourcePath(session.getContext().getUri())
                .representation(result)
                .success();
        return Response.status(Response.Status.CREATED).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Json.write(result)).build();
    }

    @GET
    @Path("users/{userId}/events")
    @Produces(MediaType.APPLICATION_JSON)
    public Response getUserEvents(@PathParam("userId") String userId, @QueryParam("first") String first,
                                  @QueryParam("max") String max) {
        UserModel user = user(userId);
        auth.users().requireView(user);
        // A user's risk events are sign-in history (addresses, devices, places): like the realm's list and
        // Keycloak's own events, they need view-events.
        auth.realm().requireViewEvents();
        List<FieldError> errors = new ArrayList<>();
        int firstResult = intParam("first", first, 0, 0, Integer.MAX_VALUE, errors);
        int maxResults = intParam("max", max, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, errors);
        if (!errors.isEmpty()) {
            return ErrorResponses.badRequest(errors);
        }
        return json(eventList(threatProtection.events()
                .listForUser(realm.getId(), user.getId(), firstResult, maxResults)));
    }

    @GET
    @Path("events")
    @Produces(MediaType.APPLICATION_JSON)
    public Response searchEvents(@QueryParam("from") String from, @QueryParam("to") String to,
                                 @QueryParam("level") String level, @QueryParam("action") String action,
                                 @QueryParam("clientId") String clientId, @QueryParam("type") String type,
                                 @QueryParam("userId") String userId,
                                 @QueryParam("first") String first, @QueryParam("max") String max) {
        auth.realm().requireViewEvents();
        List<FieldError> errors = new ArrayList<>();
        EventQuery query = eventQuery(from, to, level, action, clientId, type, userId, errors,
                intParam("first", first, 0, 0, Integer.MAX_VALUE, errors),
                intParam("max", max, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, errors));
        if (!errors.isEmpty()) {
            return ErrorResponses.badRequest(errors);
        }
        return json(eventList(threatProtection.events().search(realm.getId(), query)));
    }

    /**
     * Every event the filters of {@code GET events} select, as CSV, newest first, with each user's current
     * username. Streamed: the rows are read a page at a time, each page in a transaction of its own, so a long
     * history never sits in memory whole.
     */
    @GET
    @Path("events.csv")
    @Produces("text/csv")
    public Response exportEvents(@QueryParam("from") String from, @QueryParam("to") String to,
                                 @QueryParam("level") String level, @QueryParam("action") String action,
                                 @QueryParam("clientId") String clientId, @QueryParam("type") String type,
                                 @QueryParam("userId") String userId) {
        auth.realm().requireViewEvents();
        List<FieldError> errors = new ArrayList<>();
        EventQuery query = eventQuery(from, to, level, action, clientId, type, userId, errors, 0, CSV_PAGE_SIZE);
        if (!errors.isEmpty()) {
            return ErrorResponses.badRequest(errors);
        }
        String realmId = realm.getId();
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        StreamingOutput body = output -> {
            Writer out = new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8));
            EventCsv.header(out);
            RiskEvent last = null;
            Map<String, String> usernames = new HashMap<>();
            while (true) {
                RiskEvent after = last;
                List<RiskEvent> events = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
                    RealmModel target = s.realms().getRealm(realmId);
                    if (target == null) {
                        return List.<RiskEvent>of();
                    }
                    // Keycloak's user cache asks the session's realm.
                    s.getContext().setRealm(target);
                    List<RiskEvent> found = s.getProvider(ThreatProtectionProvider.class).events()
                            .searchAfter(realmId, query, after);
                    for (RiskEvent event : found) {
                        if (event.userId() != null && !usernames.containsKey(event.userId())) {
                            UserModel user = s.users().getUserById(target, event.userId());
                            usernames.put(event.userId(), user == null ? null : user.getUsername());
                        }
                    }
                    return found;
                });
                for (RiskEvent event : events) {
                    EventCsv.event(out, event, event.userId() == null ? null : usernames.get(event.userId()));
                }
                out.flush();
                if (events.size() < CSV_PAGE_SIZE) {
                    break;
                }
                last = events.get(events.size() - 1);
                if (usernames.size() > CSV_PAGE_SIZE * 10) {
                    usernames.clear();
                }
            }
        };
        String name = "risk-events-" + realm.getName().replaceAll("[^A-Za-z0-9._-]", "_") + ".csv";
        return Response.ok(body, new MediaType("text", "csv", "utf-8"))
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"")
                .header("Cache-Control", "no-store")
                .build();
    }

    /** One event of the realm by its id: what the history page's link to one event opens. */
    @GET
    @Path("events/{eventId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response getEvent(@PathParam("eventId") String eventId) {
        auth.realm().requireViewEvents();
        return json(RiskEventJson.write(threatProtection.events().find(realm.getId(), eventId)
                .orElseThrow(() -> new NotFoundException("No risk event " + eventId + " in this realm"))));
    }

    private static EventQuery eventQuery(String from, String to, String level, String action, String clientId,
                                         String type, String userId, List<FieldError> errors, int first, int max) {
        Instant fromInstant = instantParam("from", from, errors);
        Instant toInstant = instantParam("to", to, errors);
        if (fromInstant != null && toInstant != null && fromInstant.isAfter(toInstant)) {
            errors.add(new FieldError("from", "is after to"));
        }
        return new EventQuery(fromInstant, toInstant,
                enumParam("level", level, RiskLevel.class, errors),
                enumParam("action", action, RiskAction.class, errors),
                clientId == null || clientId.isEmpty() ? null : clientId,
                enumParam("type", type, EventType.class, errors),
                userId == null || userId.isEmpty() ? null : userId,
                first, max);
    }

    /**
     * Counts of the realm's events over the last {@code days} UTC days (default 14, today included): by level,
     * by action, per day, and the sign-ins recorded without being enforced that would have been challenged or
     * blocked.
     */
    @GET
    @Path("events/summary")
    @Produces(MediaType.APPLICATION_JSON)
    public Response summarizeEvents(@QueryParam("days") String days) {
        auth.realm().requireViewEvents();
        List<FieldError> errors = new ArrayList<>();
        int dayCount = intParam("days", days, SUMMARY_DAYS, 1, MAX_SUMMARY_DAYS, errors);
        if (!errors.isEmpty()) {
            return ErrorResponses.badRequest(errors);
        }
        Instant now = Instant.ofEpochMilli(Time.currentTimeMillis());
        Instant from = EventSummary.start(now, dayCount);
        Instant to = from.plus(EventSummary.DAY.multipliedBy(dayCount));
        EventSummary summary = new EventSummary(from, to,
                threatProtection.events().summarize(realm.getId(), from, to));
        ObjectNode json = summary.toJson();
        json.put("mode", threatProtection.settings().read(realm).realm().mode().name());
        return json(json);
    }

    /**
     * The sources throttled now, the latest first: each with the failures counted when it was throttled, and
     * its failures within the realm's throttling window (since its last release) as they stand.
     */
    @GET
    @Path("throttles")
    @Produces(MediaType.APPLICATION_JSON)
    public Response listThrottles(@QueryParam("first") String first, @QueryParam("max") String max) {
        auth.realm().requireViewEvents();
        List<FieldError> errors = new ArrayList<>();
        int firstResult = intParam("first", first, 0, 0, Integer.MAX_VALUE, errors);
        int maxResults = intParam("max", max, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, errors);
        if (!errors.isEmpty()) {
            return ErrorResponses.badRequest(errors);
        }
        Instant now = Instant.ofEpochMilli(Time.currentTimeMillis());
        FailedSignInStore store = threatProtection.failedSignIns();
        List<Throttle> throttles = store.activeThrottles(realm.getId(), now, firstResult, maxResults);
        Instant since = now.minus(threatProtection.settings().read(realm).realm().attackProtection().throttling()
                .window());
        Map<String, SourceFailures> failures = new HashMap<>();
        for (ThrottleScope scope : ThrottleScope.values()) {
            List<String> sources = throttles.stream().filter(t -> t.scope().equals(scope.name()))
                    .map(Throttle::source).toList();
            failures.putAll(store.fromSources(realm.getId(), scope == ThrottleScope.NETWORK, sources, since));
        }
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (Throttle throttle : throttles) {
            SourceFailures counted = failures.get(throttle.source());
            ObjectNode item = list.addObject()
                    .put("source", throttle.source())
                    .put("scope", throttle.scope())
                    .put("throttledAt", throttle.throttledAt().toString())
                    .put("expiresAt", throttle.expiresAt().toString())
                    .put("failuresWhenThrottled", throttle.failures())
                    .put("failures", counted == null ? 0 : counted.count());
            item.put("firstFailure", counted == null ? null : counted.first().toString());
            item.put("lastFailure", counted == null ? null : counted.last().toString());
        }
        return json(list);
    }

    /**
     * What an attack looks like now: the realm's failed sign-ins per minute over the last {@code minutes}
     * (1–1440, default 60; minutes without failures left out) and the ten networks with the most of them.
     */
    @GET
    @Path("throttles/activity")
    @Produces(MediaType.APPLICATION_JSON)
    public Response failureActivity(@QueryParam("minutes") String minutes) {
        auth.realm().requireViewEvents();
        List<FieldError> errors = new ArrayList<>();
        int span = intParam("minutes", minutes, 60, 1, 1440, errors);
        if (!errors.isEmpty()) {
            return ErrorResponses.badRequest(errors);
        }
        Instant since = Instant.ofEpochMilli(Time.currentTimeMillis()).minus(Duration.ofMinutes(span));
        FailedSignInStore store = threatProtection.failedSignIns();
        ObjectNode json = Json.object().put("minutes", span);
        ArrayNode perMinute = json.putArray("failuresPerMinute");
        new TreeMap<>(store.perMinute(realm.getId(), since)).forEach((minute, count) -> perMinute.addObject()
                .put("minute", Instant.ofEpochSecond(minute * 60).toString())
                .put("failures", count));
        ArrayNode top = json.putArray("topNetworks");
        store.topNetworks(realm.getId(), since, 10).forEach(network -> top.addObject()
                .put("network", network.network())
                .put("failures", network.failures())
                .put("usernames", network.usernames()));
        return json(json);
    }

    /** Releases a throttled source on every node; its failures until now count no more. */
    @DELETE
    @Path("throttles/{source: .+}")
    public Response releaseThrottle(@PathParam("source") String source) {
        auth.realm().requireManageRealm();
        if (!threatProtection.throttles().release(realm.getId(), source,
                Instant.ofEpochMilli(Time.currentTimeMillis()))) {
            throw new NotFoundException("No throttled source " + source + " in this realm");
        }
        adminEvent.operation(OperationType.DELETE)
                .resourcePath(session.getContext().getUri())
                .representation(Json.object().put("source", source))
                .success();
        return Response.noContent().build();
    }

    /**
     * What a draft of the settings would have done to the realm's stored events (docs/what-if.md): each event
     * decided again under the current settings and under the draft, counted, and the changes grouped. Writes
     * nothing; one simulation per realm at a time on each node (429 otherwise), over at most 366 days.
     */
    @POST
    @Path("simulate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response simulate(String body) {
        auth.realm().requireViewEvents();
        JsonNode document;
        try {
            document = Json.read(body == null || body.isBlank() ? "{}" : body);
        } catch (JsonProcessingException e) {
            return ErrorResponses.badRequest("", "not valid JSON: " + e.getOriginalMessage());
        }
        if (document == null || !document.isObject()) {
            return ErrorResponses.badRequest("", "must be a JSON object");
        }
        List<FieldError> errors = new ArrayList<>();
        document.fieldNames().forEachRemaining(name -> {
            if (!Set.of("settings", "from", "to", "clientId").contains(name)) {
                errors.add(new FieldError(name, "unknown field; expected settings, from, to, clientId"));
            }
        });
        Instant now = Instant.ofEpochMilli(Time.currentTimeMillis());
        Instant to = instantField(document, "to", now, errors);
        Instant from = instantField(document, "from", to.minus(Duration.ofDays(SIMULATION_DAYS)), errors);
        if (!from.isBefore(to)) {
            errors.add(new FieldError("from", "must be before to"));
        } else if (Duration.between(from, to).compareTo(MAX_SIMULATION_WINDOW) > 0) {
            errors.add(new FieldError("to", "at most 366 days after from"));
        }
        JsonNode clientNode = document.get("clientId");
        String clientId = null;
        if (clientNode != null && !clientNode.isNull()) {
            if (!clientNode.isTextual() || clientNode.textValue().isEmpty()) {
                errors.add(new FieldError("clientId", "must be a non-empty string"));
            } else {
                clientId = clientNode.textValue();
            }
        }
        RealmSettings current = threatProtection.settings().read(realm);
        JsonNode draft = document.get("settings");
        RealmSettings proposed = current;
        try {
            proposed = SettingsDraft.parse(settingsDocument(current), draft == null ? Json.object() : draft,
                    id -> realm.getClientByClientId(id) != null);
        } catch (InvalidSettingsException e) {
            e.errors().forEach(error -> errors.add(new FieldError(
                    error.field().isEmpty() ? "settings" : "settings." + error.field(), error.message())));
        }
        if (!errors.isEmpty()) {
            return ErrorResponses.badRequest(errors);
        }
        if (!simulating.add(realm.getId())) {
            return Response.status(429).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Json.write(Json.object().put("error", "a simulation of this realm is already running on"
                            + " this server; try again when it has finished"))).build();
        }
        try {
            // Nothing a simulation does is to be kept, whatever happens in it.
            session.getTransactionManager().setRollbackOnly();
            Simulation simulation = new Simulation(current, proposed, new SignInReplay(
                    threatProtection.riskEvaluator().failureAction(), current.privacy().storeNetworkOnly()));
            threatProtection.events().replay(realm.getId(), from, to, clientId, simulation);
            return json(simulationJson(simulation));
        } finally {
            simulating.remove(realm.getId());
        }
    }

    private static ObjectNode simulationJson(Simulation simulation) {
        ObjectNode json = Json.object();
        json.put("events", simulation.events());
        json.set("current", countsJson(simulation.current()));
        json.set("proposed", countsJson(simulation.proposed()));
        ArrayNode transitions = json.putArray("transitions");
        for (Simulation.Transition transition : simulation.transitions()) {
            ObjectNode item = transitions.addObject();
            item.set("from", outcomeJson(transition.from()));
            item.set("to", outcomeJson(transition.to()));
            item.put("events", transition.events());
            item.put("users", transition.users());
            item.put("validFeedback", transition.validFeedback());
            item.put("invalidFeedback", transition.invalidFeedback());
            transition.samples().forEach(item.putArray("samples")::add);
        }
        json.put("notReplayable", simulation.notReplayable());
        return json;
    }

    private static ObjectNode countsJson(Simulation.Counts counts) {
        ObjectNode json = Json.object();
        ObjectNode byLevel = json.putObject("byLevel");
        counts.byLevel().forEach(byLevel::put);
        ObjectNode byAction = json.putObject("byAction");
        counts.byAction().forEach(byAction::put);
        json.put("notifications", counts.notifications());
        return json;
    }

    private static ObjectNode outcomeJson(SignInReplay.Outcome outcome) {
        return Json.object().put("level", Simulation.name(outcome.level()))
                .put("action", Simulation.name(outcome.action()));
    }

    private static Instant instantField(JsonNode document, String name, Instant fallback, List<FieldError> errors) {
        JsonNode value = document.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (value.isTextual()) {
            try {
                return Instant.parse(value.textValue());
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        errors.add(new FieldError(name, "must be an ISO-8601 instant such as 2026-11-26T12:00:00Z"));
        return fallback;
    }

    @PUT
    @Path("users/{userId}/events/{eventId}/feedback")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response putFeedback(@PathParam("userId") String userId, @PathParam("eventId") String eventId,
                                String body) {
        UserModel user = user(userId);
        auth.users().requireManage(user);
        JsonNode document;
        try {
            document = Json.read(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            return ErrorResponses.badRequest("", "not valid JSON: " + e.getOriginalMessage());
        }
        JsonNode value = document == null ? null : document.get("value");
        Feedback.Value feedbackValue = value != null && value.isTextual()
                ? Enums.named(Feedback.Value.class, value.textValue()) : null;
        if (feedbackValue == null) {
            return ErrorResponses.badRequest("value", "must be one of VALID, INVALID");
        }
        Feedback feedback = new Feedback(feedbackValue, Feedback.Provider.ADMIN,
                Instant.ofEpochMilli(Time.currentTimeMillis()));
        RiskEvent updated = FeedbackEffects.apply(session, threatProtection.events(),
                threatProtection.accountLocks(), realm, user, eventId, feedback)
                .orElseThrow(() -> new NotFoundException("No risk event " + eventId + " for this user"));
        ObjectNode answer = RiskEventJson.write(updated);
        adminEvent.operation(OperationType.ACTION)
                .resourcePath(session.getContext().getUri())
                .representation(answer)
                .success();
        return json(answer);
    }

    /** The user's remembered risk: state, since when, its reasons and the latest changes. */
    @GET
    @Path("users/{userId}/risk")
    @Produces(MediaType.APPLICATION_JSON)
    public Response getUserRisk(@PathParam("userId") String userId) {
        UserModel user = user(userId);
        auth.users().requireView(user);
        return json(UserRiskJson.write(user, UserRiskStore.read(user), CompromisedPasswordLock.isLocked(user), true));
    }

    /**
     * An admin marks the user COMPROMISED (in ENFORCED, the account is locked until its password is replaced, as
     * for a disowned sign-in) or dismisses the user's risk (NONE: the lock, if any, is lifted too).
     */
    @PUT
    @Path("users/{userId}/risk")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response putUserRisk(@PathParam("userId") String userId, String body) {
        UserModel user = user(userId);
        auth.users().requireManage(user);
        JsonNode document;
        try {
            document = Json.read(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            return ErrorResponses.badRequest("", "not valid JSON: " + e.getOriginalMessage());
        }
        if (document == null || !document.isObject()) {
            return ErrorResponses.badRequest("", "must be a JSON object with state and reason");
        }
        JsonNode stateNode = document.get("state");
        UserRisk.State state = stateNode != null && stateNode.isTextual()
                ? Enums.named(UserRisk.State.class, stateNode.textValue()) : null;
        if (state == null || state == UserRisk.State.AT_RISK) {
            return ErrorResponses.badRequest("state", "must be NONE or COMPROMISED");
        }
        JsonNode reasonNode = document.get("reason");
        if (reasonNode != null && !reasonNode.isNull() && !reasonNode.isTextual()) {
            return ErrorResponses.badRequest("reason", "must be text");
        }
        String reason = reasonNode == null || reasonNode.isNull() ? "" : reasonNode.textValue().strip();
        if (reason.length() > MAX_RISK_REASON) {
            return ErrorResponses.badRequest("reason", "must be at most " + MAX_RISK_REASON + " characters");
        }
        String detail = "by " + auth.adminAuth().getUser().getUsername() + (reason.isEmpty() ? "" : ": " + reason);
        if (state == UserRisk.State.NONE) {
            UserRiskStore.clear(user, UserRisk.Cause.DISMISSED, detail);
            CompromisedPasswordLock.lift(user);
        } else {
            UserRiskStore.raise(user, UserRisk.State.COMPROMISED, UserRisk.Cause.ADMIN, null, detail);
            // AUDIT records the state and does nothing about it.
            if (threatProtection.settings().read(realm).realm().mode() == Mode.ENFORCED
                    && !CompromisedPasswordLock.isLocked(user)) {
                CompromisedPasswordLock.lock(session, realm, user, CompromisedPasswordLock.Reason.MARKED_BY_ADMIN,
                        null, session.getContext().getConnection().getRemoteHost());
            }
        }
        ObjectNode answer = UserRiskJson.write(user, UserRiskStore.read(user), CompromisedPasswordLock.isLocked(user),
                true);
        adminEvent.operation(OperationType.UPDATE)
                .resourcePath(session.getContext().getUri())
                .representation(answer)
                .success();
        return json(answer);
    }

    /** Whether the user's account is locked by threat protection, and why. */
    @GET
    @Path("users/{userId}/lock")
    @Produces(MediaType.APPLICATION_JSON)
    public Response getLock(@PathParam("userId") String userId) {
        UserModel user = user(userId);
        auth.users().requireView(user);
        return json(lockJson(user));
    }

    /**
     * Unlocks the user's account: the lock and its required action go, and a COMPROMISED risk is dismissed (it
     * would refuse or challenge the next sign-in again); the password stays. Recorded as an admin event on the user.
     */
    @DELETE
    @Path("users/{userId}/lock")
    @Produces(MediaType.APPLICATION_JSON)
    public Response deleteLock(@PathParam("userId") String userId) {
        UserModel user = user(userId);
        auth.users().requireManage(user);
        Optional<CompromisedPasswordLock.Reason> reason = CompromisedPasswordLock.reason(user);
        boolean wasLocked = CompromisedPasswordLock.unlock(user,
                "account unlocked by " + auth.adminAuth().getUser().getUsername());
        ObjectNode answer = lockJson(user).put("unlocked", wasLocked);
        reason.ifPresent(why -> answer.put("previousReason", why.name()));
        adminEvent.resource(ResourceType.USER)
                .operation(OperationType.DELETE)
                .resourcePath(session.getContext().getUri())
                .representation(answer)
                .success();
        return json(answer);
    }

    private static ObjectNode lockJson(UserModel user) {
        ObjectNode lock = Json.object().put("userId", user.getId()).put("username", user.getUsername())
                .put("locked", CompromisedPasswordLock.isLocked(user));
        CompromisedPasswordLock.reason(user).ifPresentOrElse(
                why -> lock.put("reason", why.name()).put("description", why.words()),
                () -> lock.putNull("reason"));
        return lock;
    }

    /**
     * The realm's users at risk, COMPROMISED before AT_RISK when no state is given, found through Keycloak's user
     * search by attribute.
     */
    @GET
    @Path("users-at-risk")
    @Produces(MediaType.APPLICATION_JSON)
    public Response getUsersAtRisk(@QueryParam("state") String state, @QueryParam("first") String first,
                                   @QueryParam("max") String max) {
        auth.users().requireView();
        List<FieldError> errors = new ArrayList<>();
        UserRisk.State wanted = null;
        if (state != null && !state.isEmpty()) {
            wanted = Enums.named(UserRisk.State.class, state);
            if (wanted == null || wanted == UserRisk.State.NONE) {
                errors.add(new FieldError("state", "must be AT_RISK or COMPROMISED"));
            }
        }
        int firstResult = intParam("first", first, 0, 0, Integer.MAX_VALUE, errors);
        int maxResults = intParam("max", max, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, errors);
        if (!errors.isEmpty()) {
            return ErrorResponses.badRequest(errors);
        }
        ArrayNode list = Json.MAPPER.createArrayNode();
        UserRiskStore.search(session, realm, wanted, firstResult, maxResults)
                .forEach(user -> list.add(UserRiskJson.write(user, UserRiskStore.read(user), false, false)
                        .without("passwordChangeRequired")));
        return json(list);
    }

    private ObjectNode settingsDocument(RealmSettings settings) {
        return SettingsWriter.write(settings, clientId -> realm.getClientByClientId(clientId) != null);
    }

    /** Looks a user up without telling callers who may not view users whether the id exists. */
    private UserModel user(String userId) {
        UserModel user = session.users().getUserById(realm, userId);
        if (user == null) {
            auth.users().requireView();
            throw new NotFoundException("No user " + userId + " in this realm");
        }
        return user;
    }

    private static ArrayNode eventList(List<RiskEvent> events) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        events.forEach(event -> list.add(RiskEventJson.write(event)));
        return list;
    }

    private static Response json(JsonNode body) {
        return Response.ok(Json.write(body), MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static int intParam(String name, String text, int fallback, int min, int max, List<FieldError> errors) {
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(new FieldError(name, "must be a whole number from " + min + " to " + max));
        return fallback;
    }

    private static Instant instantParam(String name, String text, List<FieldError> errors) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(name, "must be an ISO-8601 instant such as 2026-11-26T12:00:00Z"));
            return null;
        }
    }

    private static <E extends Enum<E>> E enumParam(String name, String text, Class<E> type,
                                                   List<FieldError> errors) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        E constant = Enums.named(type, text);
        if (constant != null) {
            return constant;
        }
        errors.add(new FieldError(name, "must be one of " + Arrays.toString(type.getEnumConstants())));
        return null;
    }
}
