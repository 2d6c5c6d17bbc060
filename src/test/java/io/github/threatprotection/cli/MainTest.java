package io.github.threatprotection.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.threatprotection.breach.PasswordHash;

/** The JAR's command line as an operator runs it: answers on stdout, one-line errors on stderr, exit codes. */
class MainTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private String stdin = "";

    private int run(String... args) {
        return Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path corpus() throws IOException {
        Path input = Files.write(dir.resolve("input.txt"), List.of(
                PasswordHash.hex(PasswordHash.sha1("Summer2024!")) + ":2500",
                PasswordHash.hex(PasswordHash.sha1("something else")) + ":3"));
        Path corpus = dir.resolve("test.corpus");
        assertEquals(0, run("corpus", "build", "--input", input.toString(), "--output", corpus.toString()), err());
        out.reset();
        err.reset();
        return corpus;
    }

    /** An error is one line starting with "error:", without a stack trace. */
    private void assertOneLineError(int exitCode) {
        assertTrue(exitCode != 0, "exit code " + exitCode);
        String text = err().strip();
        assertTrue(text.startsWith("error: "), text);
        assertFalse(text.contains("\n"), "one line: " + text);
        assertFalse(text.contains("Exception") || text.contains("\tat "), text);
    }

    @Test
    void checkReadsThePasswordFromStandardInputWithoutAWarning() throws IOException {
        Path corpus = corpus();
        stdin = "Summer2024!\n";
        assertEquals(0, run("corpus", "check", corpus.toString(), "-"));
        assertEquals("found: true\ncount: at least 1000\n", out().replace("\r\n", "\n"));
        assertEquals("", err());

        out.reset();
        stdin = "not in it\n";
        assertEquals(0, run("corpus", "check", corpus.toString(), "-"));
        assertEquals("found: false", out().strip());
    }

    @Test
    void aPasswordGivenAsAnArgumentStillWorksButIsWarnedAbout() throws IOException {
        Path corpus = corpus();
        assertEquals(0, run("corpus", "check", corpus.toString(), "Summer2024!"));
        assertTrue(out().startsWith("found: true"), out());
        assertTrue(err().startsWith("warning: ") && err().contains("process list"), err());
        assertFalse(err().contains("Summer2024!"), "the warning does not repeat the password");
    }

    @Test
    void noPasswordOnStandardInputIsAnError() throws IOException {
        Path corpus = corpus();
        assertOneLineError(run("corpus", "check", corpus.toString(), "-"));
    }

    @Test
    void infoWithoutACorpusDescribesTheBuiltInList() {
        assertEquals(0, run("corpus", "info"), err());
        assertTrue(out().startsWith("built-in list: 30000 common passwords, from the zxcvbn"), out());
        assertTrue(out().contains("builtin-corpus=false"), out());
    }

    @Test
    void infoDescribesAGoodCorpus() throws IOException {
        Path corpus = corpus();
        assertEquals(0, run("corpus", "info", corpus.toString()));
        assertTrue(out().startsWith("entries: 2\n"), out());
    }

    @Test
    void aCorpusWithADamagedIndexIsOneLineOfErrorForEveryCommand() throws IOException {
        Path corpus = corpus();
        byte[] bytes = Files.readAllBytes(corpus);
        ByteBuffer header = ByteBuffer.wrap(bytes);
        int indexOffset = (int) header.getLong(48);
        // The first block's index entry points far past the data.
        bytes[indexOffset] = (byte) 0x7F;
        Path damaged = Files.write(dir.resolve("damaged.corpus"), bytes);

        assertOneLineError(run("corpus", "info", damaged.toString()));
        assertTrue(err().contains("damaged.corpus") && err().contains("index"), err());
        err.reset();
        stdin = "Summer2024!\n";
        assertOneLineError(run("corpus", "check", damaged.toString(), "-"));
        assertEquals("", out());
    }

    @Test
    void aLookupInADamagedBlockIsOneLineOfError() throws IOException {
        Path corpus = corpus();
        byte[] bytes = Files.readAllBytes(corpus);
        // The first block's sub-bucket counts, all 1-bits: the walk to any sub-bucket runs off the block.
        java.util.Arrays.fill(bytes, 64, 64 + 16, (byte) 0xFF);
        Path damaged = Files.write(dir.resolve("damaged.corpus"), bytes);
        stdin = "Summer2024!\n";
        assertOneLineError(run("corpus", "check", damaged.toString(), "-"));
        assertTrue(err().contains("damaged block"), err());
    }

    @Test
    void aFileThatIsNotThereIsOneLineOfError() {
        assertOneLineError(run("corpus", "info", dir.resolve("missing.corpus").toString()));
        assertTrue(err().contains("missing.corpus"), err());
        err.reset();
        assertOneLineError(run("corpus", "build", "--input", dir.resolve("missing.txt").toString(), "--output",
                dir.resolve("out.corpus").toString()));
    }

    @Test
    void anOutputInAFolderThatDoesNotExistIsOneLineOfError() throws IOException {
        Path input = Files.write(dir.resolve("input.txt"), List.of(PasswordHash.hex(PasswordHash.sha1("x")) + ":1"));
        assertOneLineError(run("corpus", "build", "--input", input.toString(), "--output",
                dir.resolve("no/such/folder/out.corpus").toString()));
    }
}
