package dev.keel.testkit;

import org.junit.jupiter.api.Assumptions;

/** Starts a Testcontainers PostgreSQL, or skips the caller's tests when that cannot be done here. */
final class TestcontainersServer {
    private TestcontainersServer() {
    }

    static TestServer start() {
        try {
            Class.forName("org.testcontainers.containers.PostgreSQLContainer");
        } catch (ClassNotFoundException e) {
            Assumptions.abort("KEEL_TEST_DB=testcontainers but org.testcontainers:postgresql is not on the test classpath");
        }
        return Container.start();
    }

    /** Kept apart so that the Testcontainers classes load only when they are present. */
    private static final class Container {
        static TestServer start() {
            boolean docker;
            try {
                docker = org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException e) {
                docker = false;
            }
            Assumptions.assumeTrue(docker, "KEEL_TEST_DB=testcontainers but no Docker engine answers; skipped");
            var pg = new org.testcontainers.containers.PostgreSQLContainer<>("postgres:17-alpine");
            pg.start();
            String url = pg.getJdbcUrl() + (pg.getJdbcUrl().contains("?") ? "&" : "?")
                    + "user=" + pg.getUsername() + "&password=" + pg.getPassword();
            return TestServer.external(url, pg::stop, "Testcontainers " + pg.getDockerImageName());
        }
    }
}
