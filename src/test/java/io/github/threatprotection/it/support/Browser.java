package io.github.threatprotection.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Signs in through Keycloak's browser flow the way a browser does: login page, form POST, redirects, code
 * exchange. Keeps its own cookie jar because Keycloak marks its cookies Secure even on plain HTTP, which
 * Java's cookie handler then refuses to send back. Every request carries the client address as a reverse
 * proxy would; test realms set {@code sslRequired} to {@code none}, since Keycloak otherwise asks a public
 * address for HTTPS.
 */
public final class Browser {

    public static final String REDIRECT_URI = "http://localhost/callback";
    public static final String FIREFOX_ON_LINUX =
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"",
            Pattern.DOTALL);
    private static final Pattern COOKIE_PATH = Pattern.compile(";\\s*[Pp]ath=([^;]+)");
    private static final Pattern FORM_ACTION_ANY = Pattern.compile("<form[^>]*action=\"([^\"]+)\"", Pattern.DOTALL);

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    /**
     * Cookies by path, then name: two realms on one server set cookies of the same names under their own paths,
     * as in a sign-in brokered from one realm to another.
     */
    private final Map<String, Map<String, String>> cookies = new LinkedHashMap<>();
    private String clientAddress;
    private String userAgent = FIREFOX_ON_LINUX;

    public Browser(String baseUrl, String clientAddress) {
        this.baseUrl = baseUrl;
        this.clientAddress = clientAddress;
    }

    public Browser from(String address) {
        this.clientAddress = address;
        return this;
    }

    public Browser userAgent(String value) {
        this.userAgent = value;
        return this;
    }

    /** What a sign-in ended with: a redirect carrying a code, or a page (the login form with an error). */
    public record Result(int status, String page, String code) {
        public boolean signedIn() {
            return code != null;
        }
    }

    /**
     * The client's sign-in: Keycloak's authorization endpoint asking for a code sent to {@link #REDIRECT_URI}, for
     * this client or a real browser to open; callers add {@code state} or other parameters.
     */
    public static String signInUrl(String baseUrl, String realm, String clientId) {
        return baseUrl + "/realms/" + realm + "/protocol/openid-connect/auth?response_type=code&scope=openid"
                + "&client_id=" + AdminApi.encode(clientId) + "&redirect_uri=" + AdminApi.encode(REDIRECT_URI);
    }

    public HttpResponse<String> openLoginPage(String realm, String clientId) {
        String url = signInUrl(baseUrl, realm, clientId) + "&state=test-state";
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    public Result signIn(String realm, String clientId, String username, String password) {
        HttpResponse<String> page = openLoginPage(realm, clientId);
        if (page.statusCode() != 200) {
            throw new AssertionError("login page answered " + page.statusCode() + ": " + page.body());
        }
        return submitLoginForm(page.body(), username, password);
    }

    /** Posts the login form found in a page, as a user pressing "Sign In" on it. */
    public Result submitLoginForm(String page, String username, String password) {
        String form = "username=" + AdminApi.encode(username) + "&password=" + AdminApi.encode(password)
                + "&credentialId=";
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(formAction(page)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        return follow(response);
    }

    /** Opens a URL, following redirects. */
    public Result open(String url) {
        return follow(send(HttpRequest.newBuilder(URI.create(baseUrl).resolve(url.replace("&amp;", "&"))).GET()));
    }

    /** Fills in and posts the form with this id in a page, as a user would. */
    public Result submitForm(String page, String formId, Map<String, String> fields) {
        Matcher form = Pattern.compile("<form[^>]*id=\"" + Pattern.quote(formId) + "\"[^>]*>", Pattern.DOTALL)
                .matcher(page);
        if (!form.find()) {
            throw new AssertionError("no form " + formId + " in page:\n" + page);
        }
        Matcher action = Pattern.compile("action=\"([^\"]+)\"").matcher(form.group());
        if (!action.find()) {
            throw new AssertionError("form " + formId + " has no action");
        }
        List<String> pairs = new ArrayList<>();
        fields.forEach((name, value) -> pairs.add(AdminApi.encode(name) + "=" + AdminApi.encode(value)));
        return follow(send(HttpRequest.newBuilder(URI.create(baseUrl).resolve(action.group(1).replace("&amp;", "&")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("&", pairs)))));
    }

    /** The first link in a page whose address contains the text. */
    public static String link(String page, String containing) {
        Matcher href = Pattern.compile("href=\"([^\"]+)\"").matcher(page);
        while (href.find()) {
            if (href.group(1).contains(containing)) {
                return href.group(1).replace("&amp;", "&");
            }
        }
        throw new AssertionError("no link containing " + containing + " in page:\n" + page);
    }

    public JsonNode exchangeCode(String realm, String clientId, String code) {
        String form = "grant_type=authorization_code&client_id=" + AdminApi.encode(clientId) + "&code="
                + AdminApi.encode(code) + "&redirect_uri=" + AdminApi.encode(REDIRECT_URI);
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl + "/realms/" + realm
                        + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        return AdminApi.ok(response);
    }

    public String cookie(String name) {
        return cookies.values().stream().map(byName -> byName.get(name)).filter(value -> value != null)
                .findFirst().orElse(null);
    }

    public void setCookie(String name, String value) {
        // where the server put a cookie of that name, else for every path
        cookies.values().stream().filter(byName -> byName.containsKey(name)).findFirst()
                .orElseGet(() -> cookies.computeIfAbsent("/", path -> new LinkedHashMap<>())).put(name, value);
    }

    /** Forgets every cookie but one: a user who signed out, on the same browser. */
    public void keepOnlyCookie(String name) {
        cookies.values().forEach(byName -> byName.keySet().removeIf(cookie -> !cookie.equals(name)));
    }

    private Result follow(HttpResponse<String> response) {
        HttpResponse<String> current = response;
        for (int hops = 0; hops < 10; hops++) {
            if (current.statusCode() / 100 != 3) {
                return new Result(current.statusCode(), current.body(), null);
            }
            String location = current.headers().firstValue("Location").orElseThrow();
            if (location.startsWith(REDIRECT_URI)) {
                Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(location);
                return new Result(current.statusCode(), null, code.find() ? code.group(1) : null);
            }
            current = send(HttpRequest.newBuilder(URI.create(baseUrl).resolve(location)).GET());
        }
        throw new AssertionError("too many redirects");
    }

    private static String formAction(String page) {
        Matcher matcher = FORM_ACTION.matcher(page);
        if (!matcher.find()) {
            matcher = FORM_ACTION_ANY.matcher(page);
            if (!matcher.find()) {
                throw new AssertionError("no login form in page:\n" + page);
            }
        }
        return matcher.group(1).replace("&amp;", "&");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        request.header("X-Forwarded-For", clientAddress)
                .header("User-Agent", userAgent)
                .timeout(Duration.ofSeconds(60));
        String requestPath = request.copy().build().uri().getPath();
        List<String> pairs = new ArrayList<>();
        cookies.forEach((path, byName) -> {
            if (requestPath.startsWith(path) || (requestPath + "/").equals(path)) {
                byName.forEach((name, value) -> pairs.add(name + "=" + value));
            }
        });
        if (!pairs.isEmpty()) {
            request.header("Cookie", String.join("; ", pairs));
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            for (String header : response.headers().allValues("Set-Cookie")) {
                String pair = header.split(";", 2)[0];
                int eq = pair.indexOf('=');
                String name = pair.substring(0, eq).trim();
                String value = pair.substring(eq + 1).trim();
                Matcher pathAttribute = COOKIE_PATH.matcher(header);
                String path = pathAttribute.find() ? pathAttribute.group(1).trim() : "/";
                boolean expired = header.toLowerCase().contains("max-age=0") || value.isEmpty();
                if (expired) {
                    Map<String, String> byName = cookies.get(path);
                    if (byName != null) {
                        byName.remove(name);
                    }
                } else {
                    if (!path.equals("/") && cookies.containsKey("/")) {
                        // a cookie the test put for every path gives way to the server's own
                        cookies.get("/").remove(name);
                    }
                    cookies.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(name, value);
                }
            }
            return response;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
