-- Graph snapshots: one row per saved snapshot, its nodes and edges in tables partitioned by snapshot.
-- Each snapshot's rows live in their own partition, so a snapshot can be loaded without indexes into a
-- fresh table, indexed once, and attached whole; deleting a snapshot drops its partitions. Rows written
-- straight through the parent tables for a snapshot without its own partition land in the default partition.

CREATE TABLE keel.graph_snapshots (
    id             uuid        NOT NULL,
    name           text        NOT NULL,
    algorithm_name text        NOT NULL,
    metadata       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    version        integer     NOT NULL,
    node_count     bigint      NOT NULL DEFAULT 0,
    edge_count     bigint      NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT graph_snapshots_pkey PRIMARY KEY (id),
    CONSTRAINT graph_snapshots_name_version_key UNIQUE (name, version),
    CONSTRAINT graph_snapshots_name_check CHECK (length(name) BETWEEN 1 AND 200),
    CONSTRAINT graph_snapshots_algorithm_name_check CHECK (length(algorithm_name) BETWEEN 1 AND 200),
    CONSTRAINT graph_snapshots_version_check CHECK (version > 0),
    CONSTRAINT graph_snapshots_metadata_check CHECK (jsonb_typeof(metadata) = 'object')
);

CREATE INDEX graph_snapshots_algorithm_name_idx ON keel.graph_snapshots (algorithm_name, name);

CREATE TABLE keel.graph_nodes (
    snapshot_id      uuid    NOT NULL,
    node_id          bigint  NOT NULL,
    activation_level real    NOT NULL,
    properties       jsonb   NOT NULL DEFAULT '{}'::jsonb,
    visited          boolean NOT NULL DEFAULT false,
    distance         real,
    parent           bigint,
    CONSTRAINT graph_nodes_pkey PRIMARY KEY (snapshot_id, node_id)
) PARTITION BY LIST (snapshot_id);

CREATE TABLE keel.graph_nodes_default PARTITION OF keel.graph_nodes DEFAULT;

CREATE TABLE keel.graph_edges (
    snapshot_id uuid             NOT NULL,
    from_node   bigint           NOT NULL,
    to_node     bigint           NOT NULL,
    edge_type   text,
    weight      double precision NOT NULL,
    properties  jsonb            NOT NULL DEFAULT '{}'::jsonb
) PARTITION BY LIST (snapshot_id);

-- Neighbour lookup: outgoing edges of a node within a snapshot.
CREATE INDEX graph_edges_from_idx ON keel.graph_edges (snapshot_id, from_node);

CREATE TABLE keel.graph_edges_default PARTITION OF keel.graph_edges DEFAULT;
