package io.github.threatprotection.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time that Linux has accounted to processes and threads (from /proc), so the load driver can say what a
 * sign-in costs in CPU and where: Keycloak, its notification thread, PostgreSQL, the driver's browsers and the
 * SMTP sink. Processes are read with their descendants, living and reaped, so short-lived children (PostgreSQL's
 * autovacuum workers, say) still count.
 */
final class CpuTime {

    private static final Path PROC = Path.of("/proc");
    /** Linux's USER_HZ, the unit of /proc/[pid]/stat's times, on every architecture this runs on. */
    private static final double MILLIS_PER_TICK = 10.0;

    private CpuTime() {
    }

    /**
     * CPU milliseconds used by a process and all its descendants so far, including descendants that exited and
     * were waited for. Resolution 10 ms per process read.
     */
    static double ofProcessTree(ProcessHandle root) {
        double millis = ofProcess(root.pid());
        try (Stream<ProcessHandle> descendants = root.descendants()) {
            millis += descendants.mapToDouble(process -> ofProcess(process.pid())).sum();
        }
        return millis;
    }

    /**
     * CPU milliseconds used so far by the living threads of a process, per group of thread names: element i is
     * the sum over the threads whose names start with one of {@code groups[i]} (Linux keeps the first 15
     * characters of a Java thread's name), at nanosecond resolution. One pass over the process's threads.
     */
    static double[] ofThreads(long pid, String[]... groups) {
        double[] millis = new double[groups.length];
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(PROC.resolve(pid + "/task"))) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip();
                    for (int i = 0; i < groups.length; i++) {
                        if (Stream.of(groups[i]).anyMatch(prefix -> name.startsWith(
                                prefix.length() > 15 ? prefix.substring(0, 15) : prefix))) {
                            // schedstat: time on a CPU (ns), time waiting for one, time slices
                            String schedstat = Files.readString(task.resolve("schedstat"), StandardCharsets.UTF_8);
                            millis[i] += Long.parseLong(schedstat.split(" ")[0]) / 1e6;
                        }
                    }
                } catch (NoSuchFileException exited) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return millis;
    }

    /** The Java process among a process and its descendants (Keycloak's kc.sh starts one), else the root. */
    static long javaProcess(ProcessHandle root) {
        try (Stream<ProcessHandle> tree = Stream.concat(Stream.of(root), root.descendants())) {
            return tree.filter(process -> process.info().command().map(command -> command.endsWith("/java"))
                    .orElse(false)).mapToLong(ProcessHandle::pid).findFirst().orElse(root.pid());
        }
    }

    /**
     * CPU milliseconds used by one process (all its threads, living and ended) and its children that exited and
     * were waited for. Resolution 10 ms.
     */
    static double ofProcess(long pid) {
        String stat;
        try {
            stat = Files.readString(PROC.resolve(pid + "/stat"), StandardCharsets.UTF_8);
        } catch (NoSuchFileException exited) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The command name in parentheses may hold spaces. After it come space-separated fields, among them
        // utime, stime, cutime and cstime (fields 14 to 17 of the line, so the 12th to 15th after the name).
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = 0;
        for (int i = 11; i <= 14; i++) {
            ticks += Long.parseLong(fields[i]);
        }
        return ticks * MILLIS_PER_TICK;
    }
}
