package dev.keel.codegen;

import dev.keel.codegen.internal.CodegenSettings;
import dev.keel.codegen.internal.MigrationFailure;
import dev.keel.codegen.internal.SchemaGenerator;
import java.io.File;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Applies Flyway migrations to a real PostgreSQL (an embedded one, started and stopped here, unless
 * {@code jdbcUrl} is given) and generates jOOQ classes for the listed schemas. The output directory is added as a
 * compile source root. When neither the migrations nor this configuration changed since the last run, nothing
 * is started and nothing is regenerated.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class GenerateMojo extends AbstractKeelMojo {

    /** The Java package of the generated classes. */
    @Parameter(property = "keel.codegen.packageName", required = true)
    String packageName;

    /** A database to migrate and read instead of the embedded PostgreSQL. It must be a scratch database. */
    @Parameter(property = "keel.codegen.jdbcUrl")
    String jdbcUrl;

    @Parameter(property = "keel.codegen.outputDirectory",
            defaultValue = "${project.build.directory}/generated-sources/keel")
    File outputDirectory;

    /** Generate classes for leaf partitions too (by default only the partitioned parent is generated). */
    @Parameter(property = "keel.codegen.includePartitions", defaultValue = "false")
    boolean includePartitions;

    @Parameter(property = "keel.codegen.skip", defaultValue = "false")
    boolean skip;

    /**
     * Add the output to the test sources instead of the main sources, for classes that only tests use (bind the
     * execution to the {@code generate-test-sources} phase and give it its own {@code outputDirectory}).
     */
    @Parameter(property = "keel.codegen.testSources", defaultValue = "false")
    boolean testSources;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Keel codegen skipped");
            return;
        }
        CodegenSettings settings;
        try {
            settings = new CodegenSettings(locations(), packageName,
                    schemaList(), outputDirectory.toPath(), jdbcUrl, includePartitions);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("Keel codegen: " + e.getMessage(), e);
        }
        SchemaGenerator generator = new SchemaGenerator(settings, getClass().getClassLoader(),
                getLog()::info, getLog()::warn);
        try {
            String fingerprint = generator.fingerprint();
            if (generator.isUpToDate(fingerprint)) {
                getLog().info("Keel codegen: migrations unchanged, " + outputDirectory + " is up to date");
            } else {
                generator.generate(fingerprint);
            }
        } catch (MigrationFailure e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new MojoExecutionException("Keel codegen failed: " + e.getMessage(), e);
        }
        if (testSources) {
            project.addTestCompileSourceRoot(outputDirectory.getAbsolutePath());
        } else {
            project.addCompileSourceRoot(outputDirectory.getAbsolutePath());
        }
    }
}
