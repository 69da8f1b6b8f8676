package dev.keel.internal.saga;

import static dev.keel.internal.db.Tables.SAGAS;
import static dev.keel.internal.db.Tables.SAGA_EVENTS;
import static dev.keel.internal.db.Tables.SAGA_STEPS;

import dev.keel.Keel;
import dev.keel.TxOptions;
import dev.keel.error.InvalidInputException;
import dev.keel.internal.StoreContext;
import dev.keel.internal.db.enums.SagaStatus;
import dev.keel.saga.SagaDefinition;
import dev.keel.saga.SagaEvent;
import dev.keel.saga.SagaRunner;
import dev.keel.saga.SagaStart;
import dev.keel.saga.SagaState;
import dev.keel.saga.SagaStats;
import dev.keel.saga.SagaStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jooq.DSLContext;
import org.jooq.InsertValuesStep4;
import org.jooq.JSONB;

/** The saga store on PostgreSQL; see {@link SagaStore}. Thread-safe. */
public final class PgSagaStore implements SagaStore, AutoCloseable {
    private final StoreContext context;
    private final Keel keel;
    private final SagaCommands commands;
    private final SagaCleaner cleaner;
    private final Map<String, SagaDefinition<?>> definitions = new ConcurrentHashMap<>();
    private final Set<PgSagaRunner> runners = ConcurrentHashMap.newKeySet();

    public PgSagaStore(StoreContext context) {
        this.context = context;
        this.keel = context.keel();
        this.commands = new SagaCommands(keel);
        this.cleaner = new SagaCleaner(context.pool());
    }

    @Override
    public <T> UUID start(SagaDefinition<T> def, T data) {
        return start(def, data, SagaStart.defaults());
    }

    @Override
    public <T> UUID start(SagaDefinition<T> def, T data, String idempotencyKey) {
        return start(def, data, SagaStart.key(idempotencyKey));
    }

    @Override
    public <T> UUID start(SagaDefinition<T> def, T data, SagaStart start) {
        Objects.requireNonNull(def, "def");
        Objects.requireNonNull(start, "start");
        JSONB json = SagaJson.write(data, def.dataType(), def.maxPayloadBytes(), "data of saga " + def.name());
        register(def);
        return keel.transactionResult(tx -> insert(tx.dsl(), def, json, start));
    }

    private static UUID insert(DSLContext dsl, SagaDefinition<?> def, JSONB json, SagaStart start) {
        UUID id = UUID.randomUUID();
        String key = start.idempotencyKey().orElse(null);
        var insert = dsl.insertInto(SAGAS)
                .set(SAGAS.ID, id).set(SAGAS.NAME, def.name()).set(SAGAS.DATA, json)
                .set(SAGAS.IDEMPOTENCY_KEY, key).set(SAGAS.TOTAL_STEPS, def.steps().size())
                .set(SAGAS.TRANSACTION_ID, start.transactionId().orElse(null))
                .set(SAGAS.USER_ID, start.userId().orElse(null))
                .set(SAGAS.DEADLINE, def.deadline().map(SagaSql::nowPlus).orElse(null))
                .set(SAGAS.LAST_SEQ, 1L).set(SAGAS.VERSION, 1L);
        Optional<UUID> inserted = (key == null ? insert.returning(SAGAS.ID)
                : insert.onConflict(SAGAS.NAME, SAGAS.IDEMPOTENCY_KEY).doNothing().returning(SAGAS.ID))
                .fetchOptional(SAGAS.ID);
        if (inserted.isEmpty()) {
            return dsl.select(SAGAS.ID).from(SAGAS).where(SAGAS.NAME.eq(def.name()))
                    .and(SAGAS.IDEMPOTENCY_KEY.eq(key)).fetchSingle(SAGAS.ID);
        }
        InsertValuesStep4<?, UUID, Integer, String, dev.keel.internal.db.enums.StepStatus> steps = dsl.insertInto(
                SAGA_STEPS, SAGA_STEPS.SAGA_ID, SAGA_STEPS.STEP_INDEX, SAGA_STEPS.NAME, SAGA_STEPS.STATUS);
        for (int i = 0; i < def.steps().size(); i++) {
            steps = steps.values(id, i, def.steps().get(i).name(), dev.keel.internal.db.enums.StepStatus.PENDING);
        }
        steps.execute();
        dsl.insertInto(SAGA_EVENTS, SAGA_EVENTS.SAGA_ID, SAGA_EVENTS.SEQ, SAGA_EVENTS.TYPE, SAGA_EVENTS.STATUS,
                        SAGA_EVENTS.RUNNER)
                .values(id, 1L, SagaEvent.CREATED, SagaStatus.CREATED, SagaCommands.API).execute();
        return id;
    }

    @Override
    @SuppressWarnings("unchecked")
    public UUID start(String sagaName, Object data) {
        SagaDefinition<Object> def = (SagaDefinition<Object>) definitions.get(Objects.requireNonNull(sagaName,
                "sagaName"));
        if (def == null) {
            throw new InvalidInputException("no saga definition named '" + sagaName + "' is registered; known: "
                    + definitions.keySet(), "sagaName");
        }
        Object typed;
        try {
            typed = SagaJson.MAPPER.convertValue(data, def.dataType());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("cannot be mapped to " + def.dataType().getName() + ": "
                    + e.getMessage(), "data of saga " + sagaName);
        }
        return start(def, typed);
    }

    @Override
    public void register(SagaDefinition<?> def) {
        definitions.put(def.name(), def);
    }

    @Override
    public SagaRunner runner(SagaDefinition<?> def) {
        Objects.requireNonNull(def, "def");
        register(def);
        return new PgSagaRunner(context, def, runners);
    }

    @Override
    public Optional<SagaState> load(UUID id) {
        Objects.requireNonNull(id, "id");
        return keel.transactionResult(snapshot(), tx -> SagaReader.load(tx.dsl(), id));
    }

    @Override
    public List<SagaEvent> events(UUID id) {
        Objects.requireNonNull(id, "id");
        return SagaReader.events(keel.dsl(), id);
    }

    @Override
    public List<SagaState> list(dev.keel.saga.SagaStatus status, int limit) {
        if (limit < 1 || limit > 10_000) {
            throw new InvalidInputException("must be 1..10000, was " + limit, "limit");
        }
        return keel.transactionResult(snapshot(), tx -> SagaReader.list(tx.dsl(), status, limit));
    }

    @Override
    public SagaStats stats() {
        return keel.transactionResult(snapshot(), tx -> SagaStatistics.read(tx.dsl()));
    }

    @Override
    public int cleanup(Duration olderThan) {
        return cleaner.cleanup(olderThan, SagaCleaner.BATCH);
    }

    /** Cleanup with a batch size of the caller's choosing (tests). */
    public int cleanup(Duration olderThan, int batchSize) {
        return cleaner.cleanup(olderThan, batchSize);
    }

    @Override
    public boolean pause(UUID id) {
        return commands.pause(id);
    }

    @Override
    public boolean resume(UUID id) {
        return commands.resume(id);
    }

    @Override
    public boolean cancel(UUID id) {
        return commands.cancel(id);
    }

    /** Closes the runners still open. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (PgSagaRunner r : new ArrayList<>(runners)) {
            try {
                r.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static TxOptions snapshot() {
        return TxOptions.defaults().withIsolation(TxOptions.Isolation.REPEATABLE_READ).readOnly(true);
    }
}
