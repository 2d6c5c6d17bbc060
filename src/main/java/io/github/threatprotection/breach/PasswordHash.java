package io.github.threatprotection.breach;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** SHA-1 of a password's UTF-8 bytes, the key Have I Been Pwned uses. Never logged, never stored. */
public final class PasswordHash {

    private PasswordHash() {
    }

    public static byte[] sha1(String password) {
        return CorpusInput.sha1().digest(password.getBytes(StandardCharsets.UTF_8));
    }

    /** Upper-case hex, as the range API writes hashes. */
    public static String hex(byte[] sha1) {
        return HexFormat.of().withUpperCase().formatHex(sha1);
    }
}
