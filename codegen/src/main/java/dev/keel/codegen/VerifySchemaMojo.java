package dev.keel.codegen;

import dev.keel.codegen.internal.BuildLog;
import dev.keel.codegen.internal.MigratedDatabase;
import dev.keel.codegen.internal.MigrationFailure;
import dev.keel.codegen.internal.SchemaDrift;
import dev.keel.embedded.DatabaseChoice;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Compares a live database with what the migrations produce (applied to a fresh embedded PostgreSQL) and lists
 * missing, extra and changed tables and columns. The live database is only read. The build fails on drift only
 * when {@code failOnDrift} is set.
 */
@Mojo(name = "verify-schema", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class VerifySchemaMojo extends AbstractKeelMojo {

    /** The live database to check. */
    @Parameter(property = "keel.verify.jdbcUrl", required = true)
    String jdbcUrl;

    @Parameter(property = "keel.verify.failOnDrift", defaultValue = "false")
    boolean failOnDrift;

    @Parameter(property = "keel.verify.skip", defaultValue = "false")
    boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Keel schema verification skipped");
            return;
        }
        quietEmbeddedLogging();
        List<String> schemas = schemaList(List.of());
        SchemaDrift drift;
        try (MigratedDatabase expected = MigratedDatabase.start(databaseTarget(null), flywaySettings(),
                getClass().getClassLoader(), BuildLog.of(getLog()::debug, getLog()::info, getLog()::warn));
             Connection reference = expected.connect();
             Connection live = DriverManager.getConnection(jdbcUrl)) {
            live.setReadOnly(true);
            drift = SchemaDrift.compare(reference, live, schemas, expected.historyTables());
        } catch (MigrationFailure e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (SQLException e) {
            throw new MojoExecutionException("Cannot read " + DatabaseChoice.redact(jdbcUrl) + ": " + e.getMessage(), e);
        }
        if (drift.isEmpty()) {
            getLog().info(drift.report());
        } else if (failOnDrift) {
            throw new MojoFailureException(drift.report());
        } else {
            getLog().warn(drift.report());
        }
    }
}
