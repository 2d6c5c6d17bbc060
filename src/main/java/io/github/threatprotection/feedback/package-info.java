/**
 * Feedback on a risk event, from the user's one-click link or an admin: the pages the links open and the effects
 * of "this wasn't me".
 */
package io.github.threatprotection.feedback;
