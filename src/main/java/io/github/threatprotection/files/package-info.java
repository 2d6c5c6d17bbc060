/**
 * Files that operators replace while the server runs (geolocation databases, reputation lists, breach corpora):
 * when a file is looked at again, which version is in use, what happens when a new version cannot be read, and
 * what is logged and counted about it, the same for each of them.
 */
package io.github.threatprotection.files;
