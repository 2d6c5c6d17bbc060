package io.github.threatprotection.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The build-context sources of a Dockerfile's COPY instructions (not those copying from another stage). */
public final class DockerfileCopies {

    private DockerfileCopies() {
    }

    public static List<String> sources(Path dockerfile) throws IOException {
        String text = Files.readString(dockerfile).replace("\\\n", " ");
        List<String> sources = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] words = line.trim().split("\\s+");
            if (!words[0].equalsIgnoreCase("COPY")) {
                continue;
            }
            List<String> arguments = new ArrayList<>(Arrays.asList(words).subList(1, words.length));
            if (arguments.stream().anyMatch(word -> word.startsWith("--from"))) {
                continue;
            }
            arguments.removeIf(word -> word.startsWith("--"));
            sources.addAll(arguments.subList(0, arguments.size() - 1));
        }
        return sources;
    }
}
