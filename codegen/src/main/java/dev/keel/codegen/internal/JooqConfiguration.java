package dev.keel.codegen.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Logging;
import org.jooq.meta.jaxb.SchemaMappingType;
import org.jooq.meta.jaxb.Target;

/**
 * The jOOQ configuration a run uses: the user's {@code <generator>} (a copy; theirs is never changed) with Keel's
 * defaults filled in where they wrote nothing, and Keel's own settings (package, directory, schemas, the
 * excludes for Flyway's history table and partitions) on top.
 */
final class JooqConfiguration {
    static final String POSTGRES_DATABASE = "org.jooq.meta.postgres.PostgresDatabase";

    /** Keel's defaults, applied only where the user's element does not have the path. */
    private static final Map<String, Function<Generate, Generate>> GENERATE_DEFAULTS = Map.of(
            "generate/generatedAnnotation", g -> g.withGeneratedAnnotation(false),
            "generate/javadoc", g -> g.withJavadoc(true),
            "generate/comments", g -> g.withComments(true),
            "generate/fluentSetters", g -> g.withFluentSetters(true));

    private JooqConfiguration() {
    }

    static Configuration build(CodegenSettings settings, List<String> keelExcludes) {
        UserGenerator user = settings.generator();
        Generator g = user.generator() == null ? new Generator() : copy(user.generator());
        if (!user.wrote("name") || g.getName() == null) {
            g.setName("org.jooq.codegen.JavaGenerator");
        }
        g.setDatabase(database(settings, user, g.getDatabase() == null ? new Database() : g.getDatabase(),
                keelExcludes));
        Generate generate = g.getGenerate() == null ? new Generate() : g.getGenerate();
        GENERATE_DEFAULTS.forEach((path, apply) -> {
            if (!user.wrote(path)) {
                apply.apply(generate);
            }
        });
        g.setGenerate(generate);
        Target target = g.getTarget() == null ? new Target() : g.getTarget();
        target.setPackageName(settings.packageName());
        target.setDirectory(settings.outputDirectory().toAbsolutePath().toString());
        if (!user.wrote("target/clean")) {
            target.setClean(true);
        }
        g.setTarget(target);
        return new Configuration().withLogging(Logging.WARN).withGenerator(g);
    }

    private static Database database(CodegenSettings settings, UserGenerator user, Database d,
                                     List<String> keelExcludes) {
        if (!user.wrote("database/name") || d.getName() == null) {
            d.setName(POSTGRES_DATABASE);
        }
        // The user's mappings for the schemas Keel generates are kept (outputSchema, …); the rest is Keel's list.
        Map<String, SchemaMappingType> theirs = d.getSchemata().stream()
                .filter(m -> m.getInputSchema() != null)
                .collect(Collectors.toMap(SchemaMappingType::getInputSchema, m -> m, (a, b) -> a));
        if (d.getInputSchema() != null && !theirs.containsKey(d.getInputSchema())) {
            theirs.put(d.getInputSchema(), new SchemaMappingType().withInputSchema(d.getInputSchema())
                    .withOutputSchema(d.getOutputSchema())
                    .withOutputSchemaToDefault(d.isOutputSchemaToDefault()));
        }
        List<SchemaMappingType> schemata = new ArrayList<>();
        for (String s : settings.schemas()) {
            schemata.add(theirs.getOrDefault(s, new SchemaMappingType().withInputSchema(s)));
        }
        d.setInputSchema(null);
        d.setOutputSchema(null);
        d.setSchemata(schemata);
        if (!user.wrote("database/includes") || d.getIncludes() == null) {
            d.setIncludes(".*");
        }
        List<String> excludes = new ArrayList<>();
        if (user.wrote("database/excludes") && d.getExcludes() != null && !d.getExcludes().isBlank()) {
            excludes.add(d.getExcludes().strip());
        }
        excludes.addAll(keelExcludes);
        d.setExcludes(excludes.isEmpty() ? "" : String.join("|", excludes));
        if (!user.wrote("database/readonlyComputedColumns")) {
            d.setReadonlyComputedColumns(true);
        }
        if (!user.wrote("database/readonlyIdentities")) {
            d.setReadonlyIdentities(false);
        }
        return d;
    }

    @SuppressWarnings("unchecked")
    private static <T extends Serializable> T copy(T value) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(value);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())) {
                @Override
                protected Class<?> resolveClass(java.io.ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                    return Class.forName(desc.getName(), false, JooqConfiguration.class.getClassLoader());
                }
            }) {
                return (T) in.readObject();
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("Cannot copy the <generator> configuration: " + e.getMessage(), e);
        }
    }
}
