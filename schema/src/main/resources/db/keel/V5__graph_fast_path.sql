-- Graph snapshots, second step: small snapshots in shared storage, versions from a counter per name, and the
-- indexes that queries on a stored snapshot use.
--
-- Small snapshots (see GraphStore) are not given partitions of their own: their rows go through the parents into
-- the default partitions, all in the one transaction that inserts the snapshot's row. Their ids have the top bit
-- clear, and the ids of snapshots with partitions of their own have it set; the CHECK constraints below say so,
-- which lets ATTACH PARTITION see without scanning the default partition that none of its rows belong to the new
-- partition.

ALTER TABLE keel.graph_snapshots ADD COLUMN shared boolean NOT NULL DEFAULT false;

-- A row's place in its snapshot's input: the order queries return rows in. Needed in shared storage, where rows of
-- many snapshots share pages and space freed by deleted snapshots is reused; large saves write it too. Null in
-- partitions saved before this migration.
ALTER TABLE keel.graph_nodes ADD COLUMN seq integer;
ALTER TABLE keel.graph_edges ADD COLUMN seq integer;

ALTER TABLE keel.graph_nodes_default
    ADD CONSTRAINT graph_nodes_default_shared_id_check
    CHECK (snapshot_id < '80000000-0000-0000-0000-000000000000'::uuid);
ALTER TABLE keel.graph_edges_default
    ADD CONSTRAINT graph_edges_default_shared_id_check
    CHECK (snapshot_id < '80000000-0000-0000-0000-000000000000'::uuid);

-- Deleted small snapshots leave dead rows in the default partitions. Autovacuum makes their space reusable by later
-- saves; here it starts after 2% of the rows (at least 1,000) are dead instead of PostgreSQL's 20%.
ALTER TABLE keel.graph_nodes_default SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000);
ALTER TABLE keel.graph_edges_default SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000);

-- Incoming neighbours, and the node filters on distance and activation.
CREATE INDEX graph_edges_to_idx ON keel.graph_edges (snapshot_id, to_node);
CREATE INDEX graph_nodes_distance_idx ON keel.graph_nodes (snapshot_id, distance);
CREATE INDEX graph_nodes_activation_idx ON keel.graph_nodes (snapshot_id, activation_level);

-- The last version handed out per name. A save takes the next one in the transaction that publishes it, so
-- versions are unique per name, have no gaps left by saves that failed, and are never handed out twice, even
-- after the latest version is deleted.
CREATE TABLE keel.graph_names (
    name         text    NOT NULL,
    last_version integer NOT NULL,
    CONSTRAINT graph_names_pkey PRIMARY KEY (name),
    CONSTRAINT graph_names_last_version_check CHECK (last_version > 0)
);

INSERT INTO keel.graph_names (name, last_version)
SELECT name, max(version) FROM keel.graph_snapshots GROUP BY name;
