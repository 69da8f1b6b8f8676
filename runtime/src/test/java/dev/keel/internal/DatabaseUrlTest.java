package dev.keel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The password leaves the JDBC URL (pgjdbc logs the URL it connects with) and travels as a property. */
class DatabaseUrlTest {

    @Test
    void aPasswordParameterIsMovedOutOfAJdbcUrl() {
        DatabaseUrl u = DatabaseUrl.parse("jdbc:postgresql://h:5432/db?user=app&password=p%40ss&ssl=true", "jdbcUrl");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db?user=app&ssl=true");
        assertThat(u.password()).isEqualTo("p@ss");
    }

    @Test
    void aJdbcUrlWhosePasswordIsItsOnlyParameterLosesTheQuery() {
        DatabaseUrl u = DatabaseUrl.parse("jdbc:postgresql://h/db?PASSWORD=x", "jdbcUrl");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://h/db");
        assertThat(u.password()).isEqualTo("x");
    }

    @Test
    void theUserInfoPasswordOfAPostgresqlUrlWinsOverAParameter() {
        DatabaseUrl u = DatabaseUrl.parse("postgresql://app:info@h:1/db?password=param&sslmode=require", "url");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://h:1/db?sslmode=require");
        assertThat(u.user()).isEqualTo("app");
        assertThat(u.password()).isEqualTo("info");
    }

    @Test
    void aUrlWithoutPasswordIsKeptAsGiven() {
        assertThat(DatabaseUrl.parse("jdbc:postgresql://h/db?user=u", "jdbcUrl").jdbcUrl())
                .isEqualTo("jdbc:postgresql://h/db?user=u");
        assertThat(DatabaseUrl.parse("jdbc:postgresql://h/db?user=u", "jdbcUrl").password()).isNull();
    }
}
