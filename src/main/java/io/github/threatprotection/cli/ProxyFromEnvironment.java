package io.github.threatprotection.cli;

import java.io.IOException;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The proxy that curl and most command-line tools would use for a URL: {@code https_proxy} for https,
 * {@code http_proxy} for http (lower case first, then upper case), except for hosts in {@code no_proxy}. The
 * JDK itself reads only its own system properties, so the command reads these variables itself.
 */
final class ProxyFromEnvironment {

    /** The proxy, and the credentials its URL carries, if any. */
    record Setting(ProxySelector selector, InetSocketAddress address, Optional<Authenticator> authenticator) {
    }

    private ProxyFromEnvironment() {
    }

    static Optional<Setting> forTarget(URI target, Map<String, String> environment) {
        String scheme = target.getScheme() == null ? "https" : target.getScheme().toLowerCase(Locale.ROOT);
        String value = variable(environment, scheme + "_proxy");
        if (value == null || value.isBlank() || bypassed(target.getHost(), variable(environment, "no_proxy"))) {
            return Optional.empty();
        }
        URI proxy = URI.create(value.contains("://") ? value.strip() : "http://" + value.strip());
        if (proxy.getHost() == null) {
            throw new IllegalArgumentException(scheme + "_proxy: no host in " + value);
        }
        int port = proxy.getPort() > 0 ? proxy.getPort() : 80;
        InetSocketAddress address = InetSocketAddress.createUnresolved(proxy.getHost(), port);
        String noProxy = variable(environment, "no_proxy");
        ProxySelector selector = new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return bypassed(uri.getHost(), noProxy) ? List.of(Proxy.NO_PROXY)
                        : List.of(new Proxy(Proxy.Type.HTTP, address));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException e) {
                // The request fails and is retried like any other.
            }
        };
        Optional<Authenticator> authenticator = Optional.empty();
        String userInfo = proxy.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = URLDecoder.decode(colon < 0 ? userInfo : userInfo.substring(0, colon), StandardCharsets.UTF_8);
            char[] password = URLDecoder.decode(colon < 0 ? "" : userInfo.substring(colon + 1), StandardCharsets.UTF_8)
                    .toCharArray();
            authenticator = Optional.of(new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return getRequestorType() == RequestorType.PROXY ? new PasswordAuthentication(user, password)
                            : null;
                }
            });
        }
        return Optional.of(new Setting(selector, address, authenticator));
    }

    private static String variable(Map<String, String> environment, String lowerCaseName) {
        String value = environment.get(lowerCaseName);
        return value != null ? value : environment.get(lowerCaseName.toUpperCase(Locale.ROOT));
    }

    /** {@code no_proxy}: comma-separated host names or domain suffixes ({@code .example.org}), or {@code *}. */
    static boolean bypassed(String host, String noProxy) {
        if (noProxy == null || host == null) {
            return false;
        }
        String name = host.toLowerCase(Locale.ROOT);
        for (String entry : noProxy.split(",")) {
            String suffix = entry.strip().toLowerCase(Locale.ROOT);
            if (suffix.equals("*")) {
                return true;
            }
            if (suffix.startsWith(".")) {
                suffix = suffix.substring(1);
            }
            if (!suffix.isEmpty() && (name.equals(suffix) || name.endsWith("." + suffix))) {
                return true;
            }
        }
        return false;
    }
}
