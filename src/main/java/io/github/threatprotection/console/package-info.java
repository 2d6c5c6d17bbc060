/**
 * The admin console page (declarative UI) for the realm's settings, and the served event history page with its
 * public client.
 */
package io.github.threatprotection.console;
