package dev.keel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.error.InvalidInputException;
import dev.keel.internal.KeelConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class KeelBuilderMetricsTest {
    private static KeelBuilder builder() {
        return Keel.builder().jdbcUrl("jdbc:postgresql://db.local/shop");
    }

    @Test
    void poolNameAndRegistryReachTheConfiguration() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        KeelConfig c = builder().poolName("orders-1").meterRegistry(registry).config();
        assertThat(c.poolName()).isEqualTo("orders-1");
        assertThat(c.meterRegistry()).isSameAs(registry);
        assertThat(c.toString()).contains("poolName=orders-1", "meterRegistry=" + SimpleMeterRegistry.class.getName());
    }

    @Test
    void defaultsAreThePoolNameKeelAndNoRegistry() {
        KeelConfig c = builder().config();
        assertThat(c.poolName()).isEqualTo("keel");
        assertThat(c.meterRegistry()).isNull();
    }

    @Test
    void anythingButAMeterRegistryIsRejectedByName() {
        assertThatThrownBy(() -> builder().meterRegistry(new Object()).config())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("meterRegistry must be an io.micrometer.core.instrument.MeterRegistry, "
                        + "was java.lang.Object");
    }

    @Test
    void impossiblePoolNamesAreRejected() {
        for (String bad : new String[] {"", "has space", "x".repeat(65), null}) {
            assertThatThrownBy(() -> builder().poolName(bad).config())
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("poolName");
        }
    }
}
