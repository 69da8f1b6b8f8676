-- Document collections partitioned by month of created_at (CollectionOptions.partitionedByMonth): the catalog
-- records which collections are, so that purges drop their aged partitions and restores recreate them alike.

ALTER TABLE keel.doc_collections ADD COLUMN partitioned_by_month boolean NOT NULL DEFAULT false;
