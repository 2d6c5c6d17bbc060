package io.github.threatprotection.settings;

/**
 * What one throttled source is: a single client address (an IPv4 address, or the IPv6 /64 one host gets), or
 * the network around it (IPv4 /24, IPv6 /64), which catches an attacker rotating addresses within a rented range.
 */
public enum ThrottleScope {
    ADDRESS,
    NETWORK
}
