/**
 * What happened: risk events and failed sign-ins in Keycloak's database (JPA entities, Liquibase changes), their
 * queries, summaries and retention.
 */
package io.github.threatprotection.history;
