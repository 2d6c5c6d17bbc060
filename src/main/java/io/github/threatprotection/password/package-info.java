/**
 * The password side of compromised credentials: the account lock until an e-mailed reset, the notCompromised
 * password policy, the required action that asks for a new password, and the check at sign-up and password change.
 */
package io.github.threatprotection.password;
