package dev.keel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.error.InvalidInputException;
import dev.keel.internal.KeelConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeelConfigTest {

    @Test
    void bothUrlFormsAreAcceptedAndCredentialsExtracted() {
        KeelConfig c = Keel.builderFromEnvironment(Map.of("DATABASE_URL", "postgresql://app:s%40cret@db.local:6543/shop?sslmode=disable")).config();
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://db.local:6543/shop?sslmode=disable");
        assertThat(c.user()).isEqualTo("app");
        assertThat(c.password()).isEqualTo("s@cret");

        KeelConfig j = Keel.builderFromEnvironment(Map.of("DATABASE_URL", "jdbc:postgresql://h/db?user=u")).config();
        assertThat(j.jdbcUrl()).isEqualTo("jdbc:postgresql://h/db?user=u");
    }

    @Test
    void environmentSettingsReachTheBuilder() {
        KeelConfig c = Keel.builderFromEnvironment(Map.of(
                "DATABASE_URL", "jdbc:postgresql://h/db",
                "KEEL_DB_MAX_CONNECTIONS", "7",
                "KEEL_DB_MIN_CONNECTIONS", "2",
                "KEEL_DB_CONNECTION_TIMEOUT_SECONDS", "3",
                "KEEL_DB_IDLE_TIMEOUT_SECONDS", "60",
                "KEEL_MIGRATE", "false")).config();
        assertThat(c.maxPoolSize()).isEqualTo(7);
        assertThat(c.minIdle()).isEqualTo(2);
        assertThat(c.acquireTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.migrate()).isFalse();
    }

    @Test
    void impossibleValuesNameTheSetting() {
        assertThatThrownBy(() -> Keel.builder().jdbcUrl("jdbc:postgresql://h/db").maxPoolSize(-1).config())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("maxPoolSize");
        assertThatThrownBy(() -> Keel.builder().jdbcUrl("jdbc:postgresql://h/db").maxPoolSize(2).minIdle(5).config())
                .hasMessageContaining("minIdle");
        assertThatThrownBy(() -> Keel.builder().jdbcUrl("mysql://h/db").config())
                .hasMessageContaining("jdbcUrl").hasMessageContaining("unknown scheme");
        assertThatThrownBy(() -> Keel.builder().jdbcUrl("jdbc:postgresql://h/db").acquireTimeout(Duration.ofMillis(-5)).config())
                .hasMessageContaining("acquireTimeout");
        assertThatThrownBy(() -> Keel.builder().jdbcUrl("jdbc:postgresql://h/db").socketTimeout(Duration.ofMillis(300))
                .config()).isInstanceOf(InvalidInputException.class).hasMessageContaining("socketTimeout");
        assertThat(Keel.builder().jdbcUrl("jdbc:postgresql://h/db").config().socketTimeout()).isZero();
        assertThatThrownBy(() -> Keel.builderFromEnvironment(Map.of("DATABASE_URL", "jdbc:postgresql://h/db",
                "KEEL_DB_MAX_CONNECTIONS", "ten")).config())
                .hasMessageContaining("KEEL_DB_MAX_CONNECTIONS").hasMessageContaining("ten");
        assertThatThrownBy(() -> Keel.builderFromEnvironment(Map.of()).config())
                .hasMessageContaining("DATABASE_URL");
        assertThatThrownBy(() -> Keel.builderFromEnvironment(Map.of("DATABASE_URL", "redis://h")).config())
                .hasMessageContaining("DATABASE_URL").hasMessageContaining("redis");
        assertThatThrownBy(() -> Keel.builderFromEnvironment(Map.of("DATABASE_URL", "jdbc:postgresql://h/db",
                "KEEL_MIGRATE", "maybe")).config())
                .hasMessageContaining("KEEL_MIGRATE");
    }

    @Test
    void passwordsNeverAppearInTextOrErrors() {
        KeelBuilder b = Keel.builderFromEnvironment(Map.of("DATABASE_URL", "postgresql://app:hunter2@h/db",
                "KEEL_DB_MAX_CONNECTIONS", "0"));
        assertThat(b.toString()).doesNotContain("hunter2");
        assertThatThrownBy(b::config).satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        KeelConfig c = Keel.builder().jdbcUrl("jdbc:postgresql://h/db?user=u&password=hunter2").password("hunter3").config();
        assertThat(c.toString()).doesNotContain("hunter2").doesNotContain("hunter3");
    }
}
