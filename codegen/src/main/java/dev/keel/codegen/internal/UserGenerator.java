package dev.keel.codegen.internal;

import java.util.Objects;
import java.util.Set;
import org.jooq.meta.jaxb.Generator;

/**
 * The user's own jOOQ {@code <generator>} element, as jooq-codegen-maven takes it, and the paths of the elements
 * they actually wrote (such as {@code generate/daos} or {@code database/forcedTypes}), so that Keel's defaults
 * fill in only what they left out.
 */
public record UserGenerator(Generator generator, Set<String> written) {
    public static final UserGenerator NONE = new UserGenerator(null, Set.of());

    public UserGenerator {
        written = Set.copyOf(Objects.requireNonNull(written, "written"));
    }

    /** Whether the user wrote the element at {@code path} (e.g. {@code generate/fluentSetters}). */
    boolean wrote(String path) {
        return written.contains(path);
    }
}
