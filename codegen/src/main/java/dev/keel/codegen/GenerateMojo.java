package dev.keel.codegen;

import dev.keel.codegen.internal.BuildLog;
import dev.keel.codegen.internal.CodegenSettings;
import dev.keel.codegen.internal.MigrationFailure;
import dev.keel.codegen.internal.SchemaGenerator;
import dev.keel.codegen.internal.UserGenerator;
import dev.keel.embedded.EmbeddedPostgresException;
import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.codehaus.plexus.util.xml.Xpp3Dom;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.SchemaMappingType;

/**
 * Applies Flyway migrations to a real PostgreSQL (an embedded one, started and stopped here, unless
 * {@code jdbcUrl} is given) and generates jOOQ classes for the listed schemas. The output directory is added as a
 * compile source root. When neither the migrations nor this configuration changed since the last run, nothing
 * is started and nothing is regenerated.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class GenerateMojo extends AbstractKeelMojo {

    /** The Java package of the generated classes (or the generator's {@code target/packageName}). */
    @Parameter(property = "keel.codegen.packageName")
    String packageName;

    /** A database to migrate and read instead of the embedded PostgreSQL. It must be a scratch database. */
    @Parameter(property = "keel.codegen.jdbcUrl")
    String jdbcUrl;

    /** Where to write (default {@code target/generated-sources/keel}, or the generator's {@code target/directory}). */
    @Parameter(property = "keel.codegen.outputDirectory")
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

    /**
     * jOOQ's own {@code <generator>} element, exactly as jooq-codegen-maven takes it: database includes/excludes
     * and forcedTypes, generate flags, strategy, target. Merged over Keel's defaults; {@code packageName},
     * {@code outputDirectory} and {@code schemas} must agree with it where both are given.
     */
    @Parameter
    Generator generator;

    @Parameter(defaultValue = "${mojoExecution}", readonly = true)
    MojoExecution mojoExecution;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Keel codegen skipped");
            return;
        }
        quietEmbeddedLogging();
        UserGenerator user = new UserGenerator(generator, writtenPaths());
        File output = outputDirectory(user);
        CodegenSettings settings;
        try {
            settings = new CodegenSettings(packageName(user), schemaList(generatorSchemas(user)), output.toPath(),
                    includePartitions, user, flywaySettings(), databaseTarget(jdbcUrl));
        } catch (IllegalArgumentException | EmbeddedPostgresException e) {
            throw new MojoFailureException("Keel codegen: " + e.getMessage(), e);
        }
        BuildLog log = BuildLog.of(getLog()::debug, getLog()::info, getLog()::warn);
        SchemaGenerator schemaGenerator = new SchemaGenerator(settings, getClass().getClassLoader(), log);
        try {
            String fingerprint = schemaGenerator.fingerprint();
            if (schemaGenerator.isUpToDate(fingerprint)) {
                getLog().info("Keel codegen: migrations unchanged, " + output + " is up to date");
            } else if (schemaGenerator.generate(fingerprint).usesPostgresExtensions() && project.getDependencies()
                    .stream().noneMatch(d -> d.getArtifactId().equals("jooq-postgres-extensions"))) {
                getLog().warn("Keel codegen: columns of citext, hstore, ltree, inet or cidr use the bindings of "
                        + "org.jooq:jooq-postgres-extensions; add that dependency (same version as jooq)");
            }
        } catch (MigrationFailure e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new MojoExecutionException("Keel codegen failed: " + e.getMessage(), e);
        }
        if (testSources) {
            project.addTestCompileSourceRoot(output.getAbsolutePath());
        } else {
            project.addCompileSourceRoot(output.getAbsolutePath());
        }
    }

    private String packageName(UserGenerator user) throws MojoFailureException {
        String theirs = user.written().contains("target/packageName") ? generator.getTarget().getPackageName() : null;
        if (packageName != null && theirs != null && !packageName.equals(theirs)) {
            throw new MojoFailureException("Keel codegen: <packageName>" + packageName + "</packageName> and the "
                    + "generator's <target><packageName>" + theirs + "</packageName> disagree; give it once");
        }
        String chosen = packageName != null ? packageName : theirs;
        if (chosen == null) {
            throw new MojoFailureException("Keel codegen: packageName is required (or the generator's "
                    + "<target><packageName>)");
        }
        return chosen;
    }

    private File outputDirectory(UserGenerator user) throws MojoFailureException {
        File theirs = null;
        if (generator != null && generator.getTarget() != null && user.written().contains("target/directory")) {
            File f = new File(generator.getTarget().getDirectory());
            theirs = f.isAbsolute() ? f : new File(project.getBasedir(), f.getPath());
        }
        if (outputDirectory != null && theirs != null
                && !outputDirectory.getAbsoluteFile().toPath().normalize().equals(theirs.getAbsoluteFile().toPath().normalize())) {
            throw new MojoFailureException("Keel codegen: <outputDirectory>" + outputDirectory + "</outputDirectory> "
                    + "and the generator's <target><directory>" + theirs + "</directory> disagree; give it once");
        }
        if (outputDirectory != null) {
            return outputDirectory;
        }
        return theirs != null ? theirs
                : new File(project.getBuild().getDirectory(), "generated-sources/keel");
    }

    private List<String> generatorSchemas(UserGenerator user) {
        List<String> out = new ArrayList<>();
        if (generator == null || generator.getDatabase() == null) {
            return out;
        }
        if (user.written().contains("database/inputSchema") && generator.getDatabase().getInputSchema() != null) {
            out.add(generator.getDatabase().getInputSchema());
        }
        for (SchemaMappingType m : generator.getDatabase().getSchemata()) {
            if (m.getInputSchema() != null && !out.contains(m.getInputSchema())) {
                out.add(m.getInputSchema());
            }
        }
        return out;
    }

    /** The element paths the user wrote inside {@code <generator>}, e.g. {@code generate/daos}. */
    private Set<String> writtenPaths() {
        Set<String> paths = new HashSet<>();
        Xpp3Dom configuration = mojoExecution == null ? null : mojoExecution.getConfiguration();
        Xpp3Dom root = configuration == null ? null : configuration.getChild("generator");
        if (root != null) {
            collect(root, "", paths);
        }
        return paths;
    }

    private static void collect(Xpp3Dom node, String prefix, Set<String> paths) {
        for (Xpp3Dom child : node.getChildren()) {
            String path = prefix + child.getName();
            paths.add(path);
            collect(child, path + "/", paths);
        }
    }
}
