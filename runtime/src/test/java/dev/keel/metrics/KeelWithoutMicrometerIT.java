package dev.keel.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.testkit.KeelTest;
import dev.keel.testkit.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is an optional dependency: Keel's own classes, loaded here by a class loader that hides Micrometer,
 * must start, run statements, commit and report metrics without asking for a Micrometer class.
 */
@KeelTest(migrations = "classpath:db/keel", schemas = "keel")
class KeelWithoutMicrometerIT {

    @Test
    void keelRunsWithoutMicrometerOnTheClasspath(TestDatabase db) throws Exception {
        HidingMicrometer loader = new HidingMicrometer(getClass().getClassLoader());
        Class<?> keelType = Class.forName("dev.keel.Keel", true, loader);
        assertThat(keelType.getClassLoader()).isSameAs(loader);

        Object builder = call(keelType, null, "builder");
        call(builder.getClass(), builder, "jdbcUrl", db.jdbcUrl());
        Object keel = call(builder.getClass(), builder, "build");
        try {
            DSLContext dsl = (DSLContext) call(keelType, keel, "dsl");
            assertThat(dsl.fetchValue("SELECT 41 + 1")).isEqualTo(42);
            Object tx = call(keelType, keel, "begin");
            ((DSLContext) call(tx.getClass(), tx, "dsl")).fetchValue("SELECT 1");
            call(tx.getClass(), tx, "commit");
            Object metrics = call(keelType, keel, "metricsSnapshot");
            assertThat(call(metrics.getClass(), metrics, "committed")).isEqualTo(1L);
            call(keelType, keel, "health");
        } finally {
            call(keelType, keel, "close");
        }
        assertThat(loader.micrometerRequests).isEmpty();
    }

    @Test
    void aRegistryThatIsNotAMeterRegistryFailsAtBuildWithoutLoadingMicrometer(TestDatabase db) throws Exception {
        HidingMicrometer loader = new HidingMicrometer(getClass().getClassLoader());
        Class<?> keelType = Class.forName("dev.keel.Keel", true, loader);
        Object builder = call(keelType, null, "builder");
        call(builder.getClass(), builder, "jdbcUrl", db.jdbcUrl());
        builder.getClass().getMethod("meterRegistry", Object.class).invoke(builder, "not a registry");
        assertThatThrownBy(() -> call(builder.getClass(), builder, "build"))
                .hasMessageContaining("meterRegistry must be an io.micrometer.core.instrument.MeterRegistry, "
                        + "was java.lang.String");
        assertThat(loader.micrometerRequests).isEmpty();
    }

    private static Object call(Class<?> type, Object target, String method, Object... args) throws Exception {
        for (var m : type.getMethods()) {
            if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                try {
                    return m.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause() instanceof Exception x ? x : e;
                }
            }
        }
        throw new NoSuchMethodException(type.getName() + "." + method);
    }

    /** Defines Keel's classes itself (so their references resolve here) and refuses every Micrometer class. */
    private static final class HidingMicrometer extends ClassLoader {
        final List<String> micrometerRequests = new CopyOnWriteArrayList<>();

        HidingMicrometer(ClassLoader parent) {
            super("without-micrometer", parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("io.micrometer.")) {
                micrometerRequests.add(name);
                throw new ClassNotFoundException(name + " is hidden by this test");
            }
            if (!name.startsWith("dev.keel.") || name.startsWith("dev.keel.testkit.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded != null) {
                    return loaded;
                }
                try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    if (in == null) {
                        throw new ClassNotFoundException(name);
                    }
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        }
    }
}
