package dev.keel.benchmarks.report;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every benchmark method, in the order the table and chart show them, with the words a reader sees. The first
 * method of each group that is marked as yardstick is what the others' ratios are taken against.
 */
public enum Method {
    SINGLE_ROW_INSERT(Group.INSERT, "singleRowInsert", "single-row INSERT"),
    JDBC_BATCH(Group.INSERT, "jdbcBatch", "JDBC addBatch, 1000"),
    JDBC_BATCH_REWRITTEN(Group.INSERT, "jdbcBatchRewritten", "JDBC addBatch + reWriteBatchedInserts"),
    JOOQ_BATCH_INSERT(Group.INSERT, "jooqBatchInsert", "jOOQ batchInsert, 1000"),
    JOOQ_LOADER(Group.INSERT, "jooqLoader", "jOOQ Loader, bulkAfter 1000, batchAfter 10"),
    COPY_TEXT(Group.INSERT, "copyText", "pgjdbc COPY text"),
    COPY_BINARY(Group.INSERT, "copyBinary", "pgjdbc COPY binary (yardstick)"),
    KEEL_MULTI_ROW(Group.INSERT, "keelMultiRow", "Keel bulk MULTI_ROW"),
    KEEL_COPY(Group.INSERT, "keelCopy", "Keel bulk COPY"),
    KEEL_AUTO(Group.INSERT, "keelAuto", "Keel bulk AUTO"),
    GRAPH_SAVE(Group.INSERT, "graphStoreSave", "Keel GraphStore.save"),

    SELECT(Group.READ, "selectWithFetchSize", "SELECT, fetchSize 10k"),
    COPY_TO_BINARY(Group.READ, "copyToBinary", "pgjdbc COPY TO binary (yardstick)"),
    GRAPH_LOAD(Group.READ, "graphStoreLoad", "Keel GraphStore.load"),
    GRAPH_STREAM(Group.READ, "graphStoreStream", "Keel GraphStore.stream"),

    JDBC_COMMIT(Group.TRANSACTION, "jdbcCommit", "JDBC INSERT + commit (yardstick)"),
    KEEL_BEGIN_COMMIT(Group.TRANSACTION, "keelBeginCommit", "Keel transaction: INSERT + commit"),
    KEEL_SAVEPOINT(Group.TRANSACTION, "keelSavepointRollback", "Keel savepoint, INSERT, rollback-to"),
    KEEL_RETRIED(Group.TRANSACTION, "keelRetriedSerializationFailure",
            "Keel SERIALIZABLE: one 40001, retried");

    /** What a group's figures count. */
    public enum Group {
        INSERT("Inserts", "rows/s"),
        READ("Reads", "rows/s"),
        TRANSACTION("Transactions", "tx/s");

        public final String title;
        public final String unit;

        Group(String title, String unit) {
            this.title = title;
            this.unit = unit;
        }

        public Method yardstick() {
            return switch (this) {
                case INSERT -> COPY_BINARY;
                case READ -> COPY_TO_BINARY;
                case TRANSACTION -> JDBC_COMMIT;
            };
        }
    }

    public final Group group;
    public final String javaName;
    public final String label;

    Method(Group group, String javaName, String label) {
        this.group = group;
        this.javaName = javaName;
        this.label = label;
    }

    /** The method of a JMH benchmark name such as {@code dev.keel.benchmarks.InsertBenchmarks.copyBinary}. */
    public static Optional<Method> ofBenchmark(String benchmark) {
        String name = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        return Arrays.stream(values()).filter(m -> m.javaName.equals(name)).findFirst();
    }
}
