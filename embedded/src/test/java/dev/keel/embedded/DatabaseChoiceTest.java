package dev.keel.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseChoiceTest {

    @Test
    void explicitUrlWinsOverEnvironment() {
        DatabaseChoice c = DatabaseChoice.resolve("jdbc:postgresql://a/x", "--url",
                Map.of("DATABASE_URL", "jdbc:postgresql://b/y"), true, "DATABASE_URL");
        assertThat(c.source()).isEqualTo(DatabaseChoice.Source.EXPLICIT_URL);
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://a/x");
        assertThat(c.origin()).isEqualTo("--url");
    }

    @Test
    void environmentVariablesAreReadInOrder() {
        DatabaseChoice c = DatabaseChoice.resolve(null, "--url",
                Map.of("DATABASE_URL", "jdbc:postgresql://b/y", "KEEL_JDBC_URL", "jdbc:postgresql://c/z"),
                false, "KEEL_JDBC_URL", "DATABASE_URL");
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://c/z");
        assertThat(c.origin()).isEqualTo("KEEL_JDBC_URL");
    }

    @Test
    void testcontainersWhenAskedAndNoUrl() {
        assertThat(DatabaseChoice.resolve(" ", "--url", Map.of(), true, "DATABASE_URL").source())
                .isEqualTo(DatabaseChoice.Source.TESTCONTAINERS);
    }

    @Test
    void embeddedOtherwise() {
        assertThat(DatabaseChoice.resolve(null, "--url", Map.of("DATABASE_URL", ""), false, "DATABASE_URL").source())
                .isEqualTo(DatabaseChoice.Source.EMBEDDED);
    }

    @Test
    void describeNeverShowsPasswords() {
        String url = "postgresql://bob:s3cret@host:5432/db";
        assertThat(DatabaseChoice.redact(url)).doesNotContain("s3cret").contains("bob");
        assertThat(DatabaseChoice.redact("jdbc:postgresql://h/db?user=bob&password=s3cret&ssl=true"))
                .doesNotContain("s3cret").contains("ssl=true");
    }
}
