package io.github.threatprotection;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The layout docs/architecture.md describes: packages by capability, dependencies pointing one way. */
@AnalyzeClasses(packages = "io.github.threatprotection", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String BASE = "io.github.threatprotection.";

    @ArchTest
    static final ArchRule packagesHaveNoCycles = slices().matching(BASE + "(*)..").should().beFreeOfCycles();

    /** Risk values, signals, scoring and the sign-in decision can be read and tested without a server. */
    @ArchTest
    static final ArchRule theCoreKnowsNoKeycloak = noClasses()
            .that().resideInAnyPackage(BASE + "risk..", BASE + "decision..")
            .should().dependOnClassesThat().resideInAnyPackage("org.keycloak..", "jakarta..");

    /** Nothing below the Keycloak-facing steps and resources looks the extension up: it is handed what it needs. */
    @ArchTest
    static final ArchRule servicesAreHandedInNotLookedUp = noClasses()
            .that().resideInAnyPackage(BASE + "risk..", BASE + "decision..", BASE + "settings..", BASE + "history..",
                    BASE + "notification..", BASE + "metrics..", BASE + "breach..", BASE + "geo..", BASE + "network..",
                    BASE + "device..", BASE + "keys..", BASE + "files..", BASE + "throttling..")
            .should().dependOnClassesThat().resideInAnyPackage(BASE + "spi..", BASE + "server..");
}
