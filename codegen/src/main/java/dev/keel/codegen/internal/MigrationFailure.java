package dev.keel.codegen.internal;

import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.flywaydb.core.internal.sqlscript.FlywaySqlScriptException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * A migration that PostgreSQL refused, described in one line a person can act on: the file, the line,
 * PostgreSQL's own message, the position within the statement and the SQLSTATE.
 */
public final class MigrationFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String script;

    private MigrationFailure(String script, String message, Throwable cause) {
        super(message, cause);
        this.script = script;
    }

    /** The failing migration's file name, or {@code null} when Flyway failed before running one. */
    public String script() {
        return script;
    }

    /** Extension errors: "extension "vector" is not available" (PG 15+) or a missing control file (older). */
    private static final java.util.regex.Pattern MISSING_EXTENSION = java.util.regex.Pattern.compile(
            "extension \"([^\"]+)\" is not available|could not open extension control file \".*/([^/\"]+)\\.control\"");

    public static MigrationFailure from(FlywayException e) {
        return from(e, null);
    }

    /**
     * The failure described in one line.
     *
     * @param embeddedVersion the embedded server's version, or {@code null} when a given database was migrated
     */
    public static MigrationFailure from(FlywayException e, String embeddedVersion) {
        String script = null;
        int line = -1;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FlywayMigrateException m && m.getMigration() != null) {
                script = m.getMigration().getScript();
                line = m.getLineNumber();
            } else if (t instanceof FlywaySqlScriptException s && s.getResource() != null) {
                script = script != null ? script : s.getResource().getFilename();
                line = line > 0 ? line : s.getLineNumber();
            }
        }
        PSQLException pg = findPsql(e);
        StringBuilder msg = new StringBuilder();
        if (script == null) {
            msg.append("Flyway could not migrate: ").append(firstLine(e.getMessage()));
            return new MigrationFailure(null, msg.toString(), e);
        }
        msg.append("Migration ").append(script).append(" failed");
        if (line > 0) {
            msg.append(" at line ").append(line);
        }
        ServerErrorMessage server = pg == null ? null : pg.getServerErrorMessage();
        java.util.regex.Matcher missing = server == null || server.getMessage() == null ? null
                : MISSING_EXTENSION.matcher(server.getMessage());
        if (missing != null && missing.find()) {
            String extension = missing.group(1) != null ? missing.group(1) : missing.group(2);
            msg.append(" because it needs the PostgreSQL extension \"").append(extension).append("\", which ")
                    .append(embeddedVersion != null ? "the embedded PostgreSQL " + embeddedVersion : "this server")
                    .append(" does not have: point the plugin at a server that has it with <jdbcUrl> "
                            + "(or -Dkeel.codegen.jdbcUrl=…) [SQLSTATE ").append(server.getSQLState()).append(']');
            return new MigrationFailure(script, msg.toString(), e);
        }
        if (server != null) {
            msg.append(": ").append(server.getSeverity() == null ? "ERROR" : server.getSeverity())
                    .append(": ").append(server.getMessage());
            if (server.getPosition() > 0) {
                msg.append(" (position ").append(server.getPosition()).append(')');
            }
            if (server.getDetail() != null) {
                msg.append(". Detail: ").append(server.getDetail());
            }
            if (server.getHint() != null) {
                msg.append(". Hint: ").append(server.getHint());
            }
            msg.append(" [SQLSTATE ").append(server.getSQLState()).append(']');
        } else {
            msg.append(": ").append(firstLine(e.getMessage()));
        }
        return new MigrationFailure(script, msg.toString(), e);
    }

    /** A migration that ran past {@code timeout} and was ended, with what the database said it was doing. */
    public static MigrationFailure hung(String script, java.time.Duration timeout, String diagnosis, Throwable e) {
        String what = script == null ? "Flyway" : "Migration " + script;
        return new MigrationFailure(script, what + " did not finish within " + timeout.toSeconds()
                + " s (migrationTimeout) and was ended: " + diagnosis, e);
    }

    private static PSQLException findPsql(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PSQLException p) {
                return p;
            }
        }
        return null;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        return s.strip().lines().findFirst().orElse("");
    }
}
