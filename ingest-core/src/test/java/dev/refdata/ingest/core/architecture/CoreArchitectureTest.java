package dev.refdata.ingest.core.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The core runs anywhere: a laptop, a container, a Lambda. Infrastructure stays in the adapters. */
class CoreArchitectureTest {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.refdata.ingest.core");

    @Test
    void theCoreDependsOnNoCloudSdkLambdaRuntimeOrSearchClient() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "software.amazon.awssdk..", "com.amazonaws..", "org.opensearch..", "org.apache.hc..",
                        "org.apache.http..")
                .because("ingest-core must run without AWS or OpenSearch libraries; adapters implement its ports")
                .check(CORE);
    }

    @Test
    void theDomainDependsOnNothingButItself() {
        noClasses().that().resideInAPackage("..core.domain..")
                .should().dependOnClassesThat().resideInAnyPackage("..core.service..", "..core.port..",
                        "..core.csv..")
                .check(CORE);
    }

    @Test
    void portsAreInterfacesOrValueTypes() {
        classes().that().resideInAPackage("..core.port.out..").and().haveSimpleNameNotEndingWith("Exception")
                .and().areNotNestedClasses()
                .should().beInterfaces()
                .check(CORE);
    }

    @Test
    void servicesAreReachedThroughTheirUseCases() {
        noClasses().that().resideOutsideOfPackages("..core.service..")
                .should().dependOnClassesThat().resideInAPackage("..core.service..")
                .check(CORE);
    }
}
