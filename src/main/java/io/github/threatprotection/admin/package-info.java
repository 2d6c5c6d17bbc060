/**
 * The admin REST API under /admin/realms/{realm}/threat-protection: settings, events, feedback, the protected-flow
 * installer and the Cognito import.
 */
package io.github.threatprotection.admin;
