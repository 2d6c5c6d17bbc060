/**
 * Devices: the signed device cookie that recognises a user's browser, and the readable device names that mails and
 * pages show.
 */
package io.github.threatprotection.device;
