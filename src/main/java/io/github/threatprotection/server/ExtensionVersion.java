package io.github.threatprotection.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

/** The extension's version, from the {@code Implementation-Version} the build writes into the JAR's manifest. */
final class ExtensionVersion {

    /** {@code unknown} when the classes do not come from the built JAR (e.g. an IDE's class folder). */
    static final String VERSION = read();

    private ExtensionVersion() {
    }

    private static String read() {
        String version = ExtensionVersion.class.getPackage().getImplementationVersion();
        if (version != null) {
            return version;
        }
        // Class loaders that do not define packages from the manifest: read the manifest of our own JAR.
        URL self = ExtensionVersion.class.getResource(ExtensionVersion.class.getSimpleName() + ".class");
        if (self != null && "jar".equals(self.getProtocol())) {
            String text = self.toString();
            try (InputStream in = new URL(text.substring(0, text.indexOf("!/") + 2) + "META-INF/MANIFEST.MF")
                    .openStream()) {
                String fromManifest = new Manifest(in).getMainAttributes()
                        .getValue(Attributes.Name.IMPLEMENTATION_VERSION);
                if (fromManifest != null) {
                    return fromManifest;
                }
            } catch (IOException e) {
                // falls through to unknown
            }
        }
        return "unknown";
    }
}
