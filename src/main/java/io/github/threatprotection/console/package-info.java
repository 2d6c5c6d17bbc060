/**
 * The admin console's settings tab (declarative UI) with its catalogue of labels and help, and the served event
 * history page with its public client.
 */
package io.github.threatprotection.console;
