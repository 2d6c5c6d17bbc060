package io.github.threatprotection.breach;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The list of common passwords carried in the JAR: the 30,000 passwords of zxcvbn's frequency list (MIT
 * licence, see THIRD-PARTY-NOTICES), the ones attackers try first. It makes the compromised-credential checks
 * work on a server that has no breach corpus and no range API, and adds to them where there are.
 * <p>
 * The list is lower case and gives ranks, not counts, so a password is looked up in lower case and a match
 * counts as compromised whatever the minimum count: the rarest password on it is still one of the first an
 * attacker tries. Held as the sorted first 64 bits of each entry's SHA-1 (240 KB), so a lookup is one hash
 * and a binary search.
 */
public final class CommonPasswords {

    static final String RESOURCE = "common-passwords.txt";
    /** Where the list comes from, for the startup log and {@code corpus info}. */
    public static final String SOURCE = "zxcvbn 4.4.2 frequency list (MIT licence)";

    private final long[] hashes;

    private CommonPasswords(long[] hashes) {
        this.hashes = hashes;
    }

    /** The list in the JAR. */
    public static CommonPasswords builtIn() {
        try (InputStream in = CommonPasswords.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the JAR has no " + RESOURCE);
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the built-in list of common passwords", e);
        }
    }

    static CommonPasswords read(InputStream in) throws IOException {
        long[] hashes = new long[32_768];
        int size = 0;
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.isEmpty()) {
                continue;
            }
            if (size == hashes.length) {
                hashes = Arrays.copyOf(hashes, size * 2);
            }
            hashes[size++] = key(line);
        }
        long[] sorted = Arrays.copyOf(hashes, size);
        Arrays.sort(sorted);
        return new CommonPasswords(sorted);
    }

    /** Whether the password, in lower case, is on the list. */
    public boolean contains(String password) {
        return Arrays.binarySearch(hashes, key(password)) >= 0;
    }

    /** Passwords on the list. */
    public int size() {
        return hashes.length;
    }

    private static long key(String password) {
        return ByteBuffer.wrap(PasswordHash.sha1(password.toLowerCase(Locale.ROOT))).getLong();
    }
}
