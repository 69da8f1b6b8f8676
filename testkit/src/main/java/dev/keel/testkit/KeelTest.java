package dev.keel.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the test class a fresh database of its own on a real PostgreSQL, optionally with migrations applied.
 * Inject it as a {@link TestDatabase} parameter (constructor, {@code @BeforeAll}, test or lifecycle methods).
 *
 * <p>The server is chosen once per JVM: {@code KEEL_TEST_JDBC_URL} (a superuser URL of a server to use), else
 * Testcontainers when {@code KEEL_TEST_DB=testcontainers} (tests are skipped when no Docker engine answers),
 * else an embedded PostgreSQL 17. Each test class gets {@code CREATE DATABASE … TEMPLATE} of a template that
 * was migrated once per JVM, so classes never see each other's rows.
 *
 * <p>After each test, the test fails if it left a transaction open in its database or a connection from
 * {@link TestDatabase#dataSource()} unclosed; after the class, if any connection to the database is still open.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(KeelDatabaseExtension.class)
public @interface KeelTest {
    /** Flyway locations applied to the template, e.g. {@code classpath:db/keel}. Empty: an empty database. */
    String[] migrations() default {};

    /** Schemas Flyway manages; the first holds its history table. */
    String[] schemas() default {"public"};
}
