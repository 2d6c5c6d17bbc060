/**
 * Client addresses and networks: the request's address parsed once ({@link ClientAddress}) with the /24 and /64
 * network signals compare and the form an event keeps of it, IP ranges and range sets for the allow and block
 * lists, and IP reputation lists read from files.
 */
package io.github.threatprotection.network;
