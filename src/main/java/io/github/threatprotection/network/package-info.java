/**
 * Client addresses and networks: IP ranges and range sets for the allow and block lists, the /24 and /64 networks
 * signals compare, and IP reputation lists read from files.
 */
package io.github.threatprotection.network;
