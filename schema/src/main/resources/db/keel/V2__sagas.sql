-- Durable sagas. The sagas row is the hot row: small, updated at every transition, and the only row a runner
-- locks. Bulky values (step outputs, compensation results, checkpoints, the audit trail) live in child tables
-- written once, so updates to sagas stay cheap. Every child row cascades from its saga, so deleting a saga in one
-- statement removes everything it owns and cleanup can never leave orphans.

CREATE TYPE keel.saga_status AS ENUM ('CREATED', 'EXECUTING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'FAILED',
    'PAUSED', 'CANCELLED', 'TIMED_OUT');

CREATE TYPE keel.step_status AS ENUM ('PENDING', 'EXECUTING', 'COMPLETED', 'FAILED', 'SKIPPED', 'RETRYING');

CREATE TABLE keel.sagas (
    id               uuid             NOT NULL,
    name             text             NOT NULL,
    status           keel.saga_status NOT NULL DEFAULT 'CREATED',
    -- the initial data; each step's output is kept in saga_steps, the newest one is the current data
    data             jsonb            NOT NULL,
    idempotency_key  text,
    transaction_id   text,
    user_id          text,
    completed_steps  integer          NOT NULL DEFAULT 0,
    total_steps      integer          NOT NULL,
    -- forward: the next step to run; compensating: the next step to compensate (-1 when none is left)
    current_step     integer          NOT NULL DEFAULT 0,
    -- attempts started and failures of the current step (or compensation), reset when it moves on
    step_attempt     integer          NOT NULL DEFAULT 0,
    step_failures    integer          NOT NULL DEFAULT 0,
    -- the status a compensating saga ends in: COMPENSATED, CANCELLED or TIMED_OUT
    end_status       keel.saga_status,
    -- the status a paused saga resumes to
    paused_from      keel.saga_status,
    error            text,
    created_at       timestamptz      NOT NULL DEFAULT now(),
    updated_at       timestamptz      NOT NULL DEFAULT now(),
    completed_at     timestamptz,
    deadline         timestamptz,
    -- not before this time (backoff between attempts)
    next_run_at      timestamptz      NOT NULL DEFAULT now(),
    -- bumped at every change; the audit trail's last number
    version          bigint           NOT NULL DEFAULT 1,
    last_seq         bigint           NOT NULL DEFAULT 0,
    -- fencing: bumped at each claim, checked by every write a runner makes for the saga
    epoch            bigint           NOT NULL DEFAULT 0,
    lease_owner      text,
    lease_expires_at timestamptz,
    -- claims that found the previous owner's lease expired rather than handed back
    recoveries       integer          NOT NULL DEFAULT 0,
    quarantined      boolean          NOT NULL DEFAULT false,
    CONSTRAINT sagas_pkey PRIMARY KEY (id),
    CONSTRAINT sagas_name_idempotency_key_key UNIQUE (name, idempotency_key),
    CONSTRAINT sagas_name_check CHECK (length(name) BETWEEN 1 AND 200),
    CONSTRAINT sagas_total_steps_check CHECK (total_steps > 0),
    CONSTRAINT sagas_completed_steps_check CHECK (completed_steps BETWEEN 0 AND total_steps)
) WITH (fillfactor = 80);

-- The claim: runnable sagas of one name, by due time. Partial, so finished sagas never enter it.
CREATE INDEX sagas_runnable_idx ON keel.sagas (name, next_run_at)
    WHERE status IN ('CREATED', 'EXECUTING', 'COMPENSATING') AND NOT quarantined;

-- Status filters and statistics over unfinished sagas (also PAUSED).
CREATE INDEX sagas_active_idx ON keel.sagas (status, created_at)
    WHERE completed_at IS NULL;

-- Cleanup and throughput: finished sagas by completion time.
CREATE INDEX sagas_completed_at_idx ON keel.sagas (completed_at)
    WHERE completed_at IS NOT NULL;

CREATE TABLE keel.saga_steps (
    saga_id      uuid             NOT NULL,
    step_index   integer          NOT NULL,
    name         text             NOT NULL,
    status       keel.step_status NOT NULL DEFAULT 'PENDING',
    attempts     integer          NOT NULL DEFAULT 0,
    output       jsonb,
    error        text,
    started_at   timestamptz,
    completed_at timestamptz,
    CONSTRAINT saga_steps_pkey PRIMARY KEY (saga_id, step_index),
    CONSTRAINT saga_steps_saga_fkey FOREIGN KEY (saga_id) REFERENCES keel.sagas (id) ON DELETE CASCADE
);

-- At most one row per step: a compensation is recorded exactly once.
CREATE TABLE keel.saga_compensations (
    saga_id      uuid             NOT NULL,
    step_index   integer          NOT NULL,
    name         text             NOT NULL,
    status       keel.step_status NOT NULL,
    attempts     integer          NOT NULL,
    error        text,
    completed_at timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT saga_compensations_pkey PRIMARY KEY (saga_id, step_index),
    CONSTRAINT saga_compensations_saga_fkey FOREIGN KEY (saga_id) REFERENCES keel.sagas (id) ON DELETE CASCADE
);

-- The last checkpoint a step (or its compensation) saved.
CREATE TABLE keel.saga_checkpoints (
    saga_id      uuid        NOT NULL,
    step_index   integer     NOT NULL,
    compensating boolean     NOT NULL,
    value        jsonb       NOT NULL,
    attempt      integer     NOT NULL,
    saved_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT saga_checkpoints_pkey PRIMARY KEY (saga_id, step_index, compensating),
    CONSTRAINT saga_checkpoints_saga_fkey FOREIGN KEY (saga_id) REFERENCES keel.sagas (id) ON DELETE CASCADE
);

-- The audit trail: append-only, numbered 1..n per saga without gaps (seq is taken from sagas.last_seq under the
-- same fenced update that records the change).
CREATE TABLE keel.saga_events (
    saga_id    uuid             NOT NULL,
    seq        bigint           NOT NULL,
    type       text             NOT NULL,
    status     keel.saga_status NOT NULL,
    step_index integer,
    attempt    integer,
    runner     text,
    detail     text,
    at         timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT saga_events_pkey PRIMARY KEY (saga_id, seq),
    CONSTRAINT saga_events_seq_check CHECK (seq > 0),
    CONSTRAINT saga_events_saga_fkey FOREIGN KEY (saga_id) REFERENCES keel.sagas (id) ON DELETE CASCADE
);

-- Append-only: rows leave only with their saga.
CREATE FUNCTION keel.saga_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'keel.saga_events is append-only' USING ERRCODE = '42501';
END
$$;

CREATE TRIGGER saga_events_no_update BEFORE UPDATE ON keel.saga_events
    FOR EACH ROW EXECUTE FUNCTION keel.saga_events_append_only();
