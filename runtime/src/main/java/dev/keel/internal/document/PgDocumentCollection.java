package dev.keel.internal.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.Tx;
import dev.keel.document.DocumentCollection;
import dev.keel.document.DocumentId;
import dev.keel.document.InsertManyResult;
import dev.keel.document.Page;
import dev.keel.document.Query;
import dev.keel.document.UpdateOptions;
import dev.keel.document.UpdateResult;
import dev.keel.error.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/** A collection on its table; see {@link DocumentCollection}. Thread-safe when its session is the pool's. */
final class PgDocumentCollection<T> implements DocumentCollection<T> {
    private final CollectionTable table;
    private final Class<T> type;
    private final Session session;
    private final DocumentReads reads;
    private final DocumentWrites writes;
    private final PreparedInserts inserts;
    private final AccessRecorder access;

    PgDocumentCollection(CollectionTable table, Class<T> type, Session session, AccessRecorder access) {
        this.table = table;
        this.type = type;
        this.session = session;
        this.access = access;
        this.reads = new DocumentReads(table, session);
        this.writes = new DocumentWrites(table, session);
        this.inserts = new PreparedInserts(table, writes.expiresValue());
    }

    @Override
    public String name() {
        return table.name();
    }

    private String text(String id) {
        return table.name() + ":" + id;
    }

    @Override
    public String insertOne(T document) {
        return access.write("insert", table.name(), null, () -> {
            PreparedDocument d = PreparedDocument.of(document, table.options());
            session.atomic("insert into " + table.name(), c -> {
                inserts.insert(c, List.of(d));
                return null;
            });
            return text(d.id());
        });
    }

    @Override
    public List<String> insertMany(Iterable<? extends T> documents) {
        Objects.requireNonNull(documents, "documents");
        return access.write("insert-many", table.name(), null, () -> insertAll(documents));
    }

    private List<String> insertAll(Iterable<? extends T> documents) {
        List<PreparedDocument> docs = new ArrayList<>();
        for (T doc : documents) {
            docs.add(PreparedDocument.of(doc, table.options()));
        }
        session.atomic("insert into " + table.name(), c -> {
            inserts.insert(c, docs);
            return null;
        });
        return docs.stream().map(d -> text(d.id())).toList();
    }

    @Override
    public InsertManyResult insertMany(Iterable<? extends T> documents, boolean reportFailures) {
        if (!reportFailures) {
            return new InsertManyResult(insertMany(documents), List.of());
        }
        return access.write("insert-many", table.name(), null, () -> insertReporting(documents));
    }

    private InsertManyResult insertReporting(Iterable<? extends T> documents) {
        List<PreparedDocument> docs = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        List<InsertManyResult.Failure> failures = new ArrayList<>();
        int i = 0;
        for (T doc : documents) {
            try {
                docs.add(PreparedDocument.of(doc, table.options()));
                positions.add(i);
            } catch (InvalidInputException e) {
                failures.add(new InsertManyResult.Failure(i, null, e.getMessage()));
            }
            i++;
        }
        List<InsertManyResult.Failure> taken = session.atomic("insert into " + table.name(),
                c -> inserts.insertReporting(c, docs, positions));
        failures.addAll(taken);
        failures.sort((a, b) -> Integer.compare(a.index(), b.index()));
        java.util.Set<Integer> failed = new java.util.HashSet<>();
        taken.forEach(f -> failed.add(f.index()));
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < docs.size(); k++) {
            if (!failed.contains(positions.get(k))) {
                ids.add(text(docs.get(k).id()));
            }
        }
        return new InsertManyResult(ids, failures);
    }

    @Override
    public Optional<T> findById(String id) {
        String bare = DocumentId.idIn(table.name(), id);
        ObjectNode found = access.read("find-by-id", table.name(), bare, () -> reads.byId(bare));
        return found == null ? Optional.empty() : Optional.of(DocumentJson.map(found, type));
    }

    @Override
    public Optional<Long> version(String id) {
        String bare = DocumentId.idIn(table.name(), id);
        return session.read("version in " + table.name(), c -> {
            Long[] v = new Long[1];
            Rows.query(c, new Sql("SELECT version FROM " + table.qualified() + " WHERE ").add(table.idIs(bare)),
                    rs -> v[0] = rs.getLong(1));
            return Optional.ofNullable(v[0]);
        });
    }

    @Override
    public List<T> find(Query query) {
        return find("find", query).stream().map(n -> DocumentJson.map(n, type)).toList();
    }

    @Override
    public List<JsonNode> findJson(Query query) {
        return new ArrayList<>(find("find", query));
    }

    private List<ObjectNode> find(String operation, Query query) {
        return access.read(operation, table.name(), null, () -> reads.find(query));
    }

    @Override
    public Page<T> findPage(Query query) {
        Page<ObjectNode> p = access.read("find-page", table.name(), null, () -> reads.page(query));
        return new Page<>(p.items().stream().map(n -> DocumentJson.map(n, type)).toList(), p.nextCursor());
    }

    @Override
    public Stream<T> stream(Query query) {
        return access.read("stream", table.name(), null, () -> reads.stream(query))
                .map(n -> DocumentJson.map(n, type));
    }

    @Override
    public long count(String filterJson) {
        return access.read("count", table.name(), null, () -> reads.count(filterJson));
    }

    @Override
    public long estimatedCount() {
        return reads.estimatedCount();
    }

    @Override
    public UpdateResult updateOne(String filterJson, String updateJson) {
        return updateOne(filterJson, updateJson, UpdateOptions.defaults());
    }

    @Override
    public UpdateResult updateOne(String filterJson, String updateJson, UpdateOptions options) {
        return access.write("update-one", table.name(), null,
                () -> writes.update(filterJson, updateJson, options, true));
    }

    @Override
    public UpdateResult updateMany(String filterJson, String updateJson) {
        return updateMany(filterJson, updateJson, UpdateOptions.defaults());
    }

    @Override
    public UpdateResult updateMany(String filterJson, String updateJson, UpdateOptions options) {
        return access.write("update-many", table.name(), null,
                () -> writes.update(filterJson, updateJson, options, false));
    }

    @Override
    public UpdateResult replaceOne(String filterJson, T replacement) {
        return replaceOne(filterJson, replacement, UpdateOptions.defaults());
    }

    @Override
    public UpdateResult replaceOne(String filterJson, T replacement, UpdateOptions options) {
        return access.write("replace-one", table.name(), null,
                () -> writes.replaceOne(filterJson, replacement, options, inserts));
    }

    @Override
    public long deleteOne(String filterJson) {
        return access.write("delete-one", table.name(), null, () -> writes.delete(filterJson, true));
    }

    @Override
    public long deleteMany(String filterJson) {
        return access.write("delete-many", table.name(), null, () -> writes.delete(filterJson, false));
    }

    @Override
    public DocumentCollection<T> in(Tx tx) {
        return new PgDocumentCollection<>(table, type, Session.tx(Objects.requireNonNull(tx, "tx")), access);
    }
}
