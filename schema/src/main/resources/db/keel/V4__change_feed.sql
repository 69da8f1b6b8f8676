-- Durable change feed: every event of a channel gets the next number of that channel's gap-free sequence.
-- The counter row is updated in the publishing transaction, so its row lock orders concurrent publishers:
-- event n+1 cannot commit before event n, and a rolled-back event gives its number back. A reader that has
-- seen n therefore finds n+1 next, or nothing yet. NOTIFY carries only the number.

CREATE TABLE keel.change_channels (
    channel  text   NOT NULL,
    last_seq bigint NOT NULL,
    CONSTRAINT change_channels_pkey PRIMARY KEY (channel),
    CONSTRAINT change_channels_channel_check CHECK (length(channel) BETWEEN 1 AND 50),
    CONSTRAINT change_channels_last_seq_check CHECK (last_seq > 0)
);

CREATE TABLE keel.change_events (
    channel    text        NOT NULL,
    seq        bigint      NOT NULL,
    payload    text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT change_events_pkey PRIMARY KEY (channel, seq),
    CONSTRAINT change_events_channel_fkey FOREIGN KEY (channel) REFERENCES keel.change_channels (channel)
);

CREATE INDEX change_events_created_at_idx ON keel.change_events (created_at);
