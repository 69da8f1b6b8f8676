package dev.keel.codegen;

import dev.keel.codegen.internal.CodegenSettings;
import java.io.File;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/** The parameters every Keel goal shares: where the migrations are and which schemas they define. */
abstract class AbstractKeelMojo extends AbstractMojo {

    /** Flyway locations, comma-separated: {@code filesystem:…} or {@code classpath:…} (plugin dependencies). */
    @Parameter(property = "keel.codegen.migrations", defaultValue = "filesystem:src/main/resources/db/migration")
    String migrations;

    /** PostgreSQL schemas, comma-separated. The first also holds Flyway's history table. */
    @Parameter(property = "keel.codegen.schemas", defaultValue = "public")
    String schemas;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    List<String> schemaList() {
        return CodegenSettings.split(schemas);
    }

    /** The locations, with relative {@code filesystem:} ones made relative to the project, not the working directory. */
    List<String> locations() {
        return CodegenSettings.split(migrations).stream().map(location -> {
            if (!location.startsWith("filesystem:")) {
                return location;
            }
            File f = new File(location.substring("filesystem:".length()));
            return "filesystem:" + (f.isAbsolute() ? f : new File(project.getBasedir(), f.getPath())).getAbsolutePath();
        }).toList();
    }
}
