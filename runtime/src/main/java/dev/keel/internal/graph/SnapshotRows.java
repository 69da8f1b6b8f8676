package dev.keel.internal.graph;

import dev.keel.BulkWriter;
import dev.keel.graph.EdgeState;
import dev.keel.graph.NodeState;
import dev.keel.internal.bulk.BadValue;
import dev.keel.internal.bulk.Codec;
import dev.keel.internal.bulk.CopyBuffer;
import java.util.UUID;
import org.jooq.JSONB;

/** Checks and encodes one node or edge as a binary COPY row of its snapshot's staging table. */
final class SnapshotRows {
    /** Cap on one properties or metadata document, in bytes: the bulk writer's default. */
    static final int MAX_JSON_BYTES = BulkWriter.DEFAULT_MAX_JSON_BYTES;

    private SnapshotRows() {
    }

    /**
     * Columns: snapshot_id, node_id, activation_level, properties, visited, distance, parent, seq. {@code seq} is the
     * node's place in the input, the order queries return rows in (it wraps past 2^31 rows, far beyond what a
     * snapshot read by queries holds; loads of a snapshot in its own partitions read in physical order).
     */
    static void node(NodeState n, UUID snapshot, CopyBuffer buf, int seq) throws BadValue {
        encodeNode(n, snapshot, buf, 8);
        buf.int32(4);
        buf.int32(seq);
    }

    /** The checks the encoding makes, without encoding: for rows held in memory before they are sent. */
    static void check(NodeState n) throws BadValue {
        finite(n.activationLevel(), "activation level");
        if (n.distance() != null) {
            finite(n.distance(), "distance");
        }
        objectShape(n.properties());
    }

    /** See {@link #check(NodeState)}. */
    static void check(EdgeState e) throws BadValue {
        finite(e.weight(), "weight");
        if (e.type() != null) {
            Codec.checkText(e.type(), -1, "text");
        }
        objectShape(e.properties());
    }

    private static void objectShape(JSONB json) throws BadValue {
        if (!looksLikeObject(json.data())) {
            throw new BadValue("properties must be a JSON object");
        }
        if (json.data().length() > MAX_JSON_BYTES) { // a lower bound on its UTF-8 length
            throw new BadValue("properties are larger than the " + MAX_JSON_BYTES + "-byte limit");
        }
    }

    private static void encodeNode(NodeState n, UUID snapshot, CopyBuffer buf, int fields) throws BadValue {
        finite(n.activationLevel(), "activation level");
        if (n.distance() != null) {
            finite(n.distance(), "distance");
        }
        buf.int16(fields);
        uuid(snapshot, buf);
        buf.int32(8);
        buf.int64(n.id());
        buf.int32(4);
        buf.int32(Float.floatToRawIntBits(n.activationLevel()));
        jsonObject(n.properties(), buf);
        buf.int32(1);
        buf.int8(n.visited() ? 1 : 0);
        if (n.distance() == null) {
            buf.nullField();
        } else {
            buf.int32(4);
            buf.int32(Float.floatToRawIntBits(n.distance()));
        }
        if (n.parent() == null) {
            buf.nullField();
        } else {
            buf.int32(8);
            buf.int64(n.parent());
        }
    }

    /** Columns: snapshot_id, from_node, to_node, edge_type, weight, properties, seq; see {@link #node}. */
    static void edge(EdgeState e, UUID snapshot, CopyBuffer buf, int seq) throws BadValue {
        encodeEdge(e, snapshot, buf, 7);
        buf.int32(4);
        buf.int32(seq);
    }

    private static void encodeEdge(EdgeState e, UUID snapshot, CopyBuffer buf, int fields) throws BadValue {
        finite(e.weight(), "weight");
        buf.int16(fields);
        uuid(snapshot, buf);
        buf.int32(8);
        buf.int64(e.from());
        buf.int32(8);
        buf.int64(e.to());
        if (e.type() == null) {
            buf.nullField();
        } else {
            Codec.checkText(e.type(), -1, "text");
            int at = buf.beginField();
            buf.utf8(e.type());
            buf.endField(at);
        }
        buf.int32(8);
        buf.int64(Double.doubleToRawLongBits(e.weight()));
        jsonObject(e.properties(), buf);
    }

    private static void uuid(UUID id, CopyBuffer buf) {
        buf.int32(16);
        buf.int64(id.getMostSignificantBits());
        buf.int64(id.getLeastSignificantBits());
    }

    private static void finite(double v, String what) throws BadValue {
        if (!Double.isFinite(v)) {
            throw new BadValue(what + " " + v + " is not a finite number");
        }
    }

    /**
     * Properties must look like a JSON object; their syntax is left to PostgreSQL's jsonb parser, which reads
     * every document anyway (a second parse here would cost as much again), and whose refusal still names the
     * node or edge.
     */
    private static void jsonObject(JSONB json, CopyBuffer buf) throws BadValue {
        String data = json.data();
        if (!looksLikeObject(data)) {
            throw new BadValue("properties must be a JSON object");
        }
        int at = buf.beginField();
        buf.int8(1);
        buf.utf8(data);
        buf.endField(at);
        if (buf.size() - at - 5 > MAX_JSON_BYTES) {
            throw new BadValue("properties are larger than the " + MAX_JSON_BYTES + "-byte limit");
        }
    }

    private static boolean looksLikeObject(String s) {
        int first = 0;
        int last = s.length() - 1;
        while (first <= last && Character.isWhitespace(s.charAt(first))) {
            first++;
        }
        while (last > first && Character.isWhitespace(s.charAt(last))) {
            last--;
        }
        return first < last && s.charAt(first) == '{' && s.charAt(last) == '}';
    }

    /** A full check of one document (snapshot metadata): valid JSON, one object, within the size cap. */
    static void checkObject(String data, String what) throws BadValue {
        try {
            Codec.checkJson(data, MAX_JSON_BYTES, true);
        } catch (BadValue e) {
            throw new BadValue(what + ": " + e.getMessage());
        }
        if (data.isBlank() || data.strip().charAt(0) != '{') {
            throw new BadValue(what + " must be a JSON object");
        }
    }
}
