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

    public static MigrationFailure from(FlywayException e) {
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
