/**
 * The realm's threat-protection settings: their typed form, the JSON document's parser (every error names its
 * field) and writer, and where a realm keeps them.
 */
package io.github.threatprotection.settings;
