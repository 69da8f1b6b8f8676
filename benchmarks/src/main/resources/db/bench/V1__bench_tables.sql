-- Tables the benchmarks load and read. graph_nodes and graph_edges have the columns, keys and indexes of
-- keel.graph_nodes and keel.graph_edges, but are plain tables (not partitioned), so every write path is measured
-- against the same target; narrow is the smallest useful row, for per-row overhead.

CREATE TABLE bench.graph_nodes (
    snapshot_id      uuid    NOT NULL,
    node_id          bigint  NOT NULL,
    activation_level real    NOT NULL,
    properties       jsonb   NOT NULL DEFAULT '{}'::jsonb,
    visited          boolean NOT NULL DEFAULT false,
    distance         real,
    parent           bigint,
    CONSTRAINT graph_nodes_pkey PRIMARY KEY (snapshot_id, node_id)
);

CREATE TABLE bench.graph_edges (
    snapshot_id uuid             NOT NULL,
    from_node   bigint           NOT NULL,
    to_node     bigint           NOT NULL,
    edge_type   text,
    weight      double precision NOT NULL,
    properties  jsonb            NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX graph_edges_from_idx ON bench.graph_edges (snapshot_id, from_node);

CREATE TABLE bench.narrow (
    id    bigint  NOT NULL,
    value integer NOT NULL,
    CONSTRAINT narrow_pkey PRIMARY KEY (id)
);
