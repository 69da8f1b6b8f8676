package dev.keel.codegen;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.MojoDescriptor;
import org.apache.maven.project.MavenProject;
import org.codehaus.plexus.util.xml.Xpp3Dom;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keel's own settings and the user's {@code <generator>} must agree; a conflict names both values. */
class GenerateMojoTest {
    @TempDir
    File tmp;

    private GenerateMojo mojo(Generator generator, String... writtenPaths) {
        GenerateMojo mojo = new GenerateMojo();
        mojo.project = new MavenProject();
        mojo.project.setFile(new File(tmp, "pom.xml"));
        mojo.project.getBuild().setDirectory(new File(tmp, "target").getPath());
        mojo.generator = generator;
        Xpp3Dom configuration = new Xpp3Dom("configuration");
        Xpp3Dom root = new Xpp3Dom("generator");
        configuration.addChild(root);
        for (String path : writtenPaths) {
            Xpp3Dom parent = root;
            for (String name : path.split("/")) {
                Xpp3Dom child = parent.getChild(name);
                if (child == null) {
                    child = new Xpp3Dom(name);
                    parent.addChild(child);
                }
                parent = child;
            }
        }
        mojo.mojoExecution = new MojoExecution(new MojoDescriptor(), configuration);
        mojo.migrationTimeout = 600;
        return mojo;
    }

    @Test
    void packageNameGivenTwiceWithDifferentValuesNamesBoth() {
        GenerateMojo mojo = mojo(new Generator().withTarget(new Target().withPackageName("com.theirs")),
                "target/packageName");
        mojo.packageName = "com.ours";
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("com.ours").hasMessageContaining("com.theirs");
    }

    @Test
    void outputDirectoryGivenTwiceWithDifferentValuesNamesBoth() {
        GenerateMojo mojo = mojo(new Generator().withTarget(new Target().withDirectory("gen/theirs")),
                "target/directory");
        mojo.packageName = "com.ours";
        mojo.outputDirectory = new File(tmp, "gen/ours");
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("gen/ours").hasMessageContaining("gen/theirs");
    }

    @Test
    void schemasGivenTwiceWithDifferentValuesNamesBoth() {
        GenerateMojo mojo = mojo(new Generator().withDatabase(new Database().withInputSchema("billing")),
                "database/inputSchema");
        mojo.packageName = "com.ours";
        mojo.schemas = "inventory";
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("inventory").hasMessageContaining("billing");
    }

    @Test
    void aPackageNameIsRequiredSomewhere() {
        GenerateMojo mojo = mojo(null);
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("packageName is required");
    }
}
