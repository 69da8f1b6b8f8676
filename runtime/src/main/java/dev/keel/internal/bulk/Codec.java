package dev.keel.internal.bulk;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;

/**
 * Validates and encodes the values of one PostgreSQL column type: as a binary COPY field, as a JDBC parameter
 * (with the SQL cast the parameter needs), and as an element of a text array literal. Instances are immutable and
 * shared by all rows of a load.
 */
public abstract class Codec {
    private static final JsonFactory JSON_FACTORY = new JsonFactory();

    private final String typeName;

    protected Codec(String typeName) {
        this.typeName = typeName;
    }

    /** The PostgreSQL type, as a person would write it, for messages. */
    public String typeName() {
        return typeName;
    }

    /** Writes {@code v} (not null) as one binary COPY field: length word, then the value. */
    public abstract void write(Object v, CopyBuffer out) throws BadValue;

    /** Binds {@code v} (not null, already validated by {@link #write}) as parameter {@code i}. */
    public abstract void bind(PreparedStatement ps, int i, Object v) throws SQLException;

    /** The cast a parameter of this type needs in SQL, e.g. {@code ::jsonb}; empty when none. */
    public String cast() {
        return "";
    }

    /** {@code v} as PostgreSQL's text input would read it, for array literals. */
    public String text(Object v) {
        return v.toString();
    }

    static BadValue expected(String what, Object v) {
        return new BadValue("expected " + what + " but got " + v.getClass().getName());
    }

    // ---- the codecs -------------------------------------------------------------------------------------------

    /** A codec for a type by its PostgreSQL name, or null when bulk writes do not support it. */
    static Codec forScalar(String typname, int typmod, boolean allowNonFinite, int maxJsonBytes) {
        return switch (typname) {
            case "int2" -> new NumberCodecs.Int2();
            case "int4" -> new NumberCodecs.Int4();
            case "int8" -> new NumberCodecs.Int8();
            case "float4" -> new NumberCodecs.Float4(allowNonFinite);
            case "float8" -> new NumberCodecs.Float8(allowNonFinite);
            case "numeric" -> new NumberCodecs.Numeric(typmod);
            case "bool" -> new NumberCodecs.Bool();
            case "text" -> new TextCodecs.Text("text", -1);
            case "varchar" -> new TextCodecs.Text("varchar", typmod > 4 ? typmod - 4 : -1);
            case "bpchar" -> new TextCodecs.Text("char", typmod > 4 ? typmod - 4 : -1);
            case "uuid" -> new TextCodecs.Uuid();
            case "date" -> new TimeCodecs.Date();
            case "time" -> new TimeCodecs.Time();
            case "timetz" -> new TimeCodecs.TimeTz();
            case "timestamp" -> new TimeCodecs.Timestamp();
            case "timestamptz" -> new TimeCodecs.TimestampTz();
            case "jsonb" -> new JsonCodecs.Json(true, maxJsonBytes);
            case "json" -> new JsonCodecs.Json(false, maxJsonBytes);
            case "bytea" -> new TextCodecs.Bytea();
            default -> null;
        };
    }

    static Codec forEnum(String qualifiedName, Set<String> labels) {
        return new TextCodecs.Enum(qualifiedName, labels);
    }

    static Codec forArray(Codec element, int elementOid, String elementSqlType) {
        return new ArrayCodec(element, elementOid, elementSqlType);
    }

    public static void checkText(String s, int maxLength, String typeName) throws BadValue {
        if (s.indexOf('\0') >= 0) {
            throw new BadValue("text contains a NUL character, which PostgreSQL cannot store");
        }
        checkEncodable(s, "text");
        if (maxLength > 0 && s.length() > maxLength && s.codePointCount(0, s.length()) > maxLength) {
            throw new BadValue(s.codePointCount(0, s.length()) + " characters do not fit " + typeName);
        }
    }

    /**
     * Refuses text that is not exactly one JSON value, is longer than {@code maxBytes} characters, or (for jsonb)
     * holds a {@code \u0000} escape, which jsonb cannot store.
     */
    public static void checkJson(String s, int maxBytes, boolean binary) throws BadValue {
        if (s.length() > maxBytes) {
            throw new BadValue("JSON document is larger than the " + maxBytes + "-byte limit");
        }
        if (s.equals("{}") || s.equals("[]")) {
            return; // the most common documents, valid without a parser
        }
        try (JsonParser p = JSON_FACTORY.createParser(s)) {
            if (p.nextToken() == null) {
                throw new BadValue("empty JSON document");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw new BadValue("JSON document has more than one value");
            }
        } catch (JsonProcessingException e) {
            // a limit of the parser (nesting depth, number length) reports no location
            throw new BadValue("not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at character " + e.getLocation().getCharOffset()));
        } catch (IOException e) {
            throw new BadValue("not valid JSON: " + e.getMessage());
        }
        if (binary && s.contains("\\u0000")) {
            throw new BadValue("JSON contains \\u0000, which jsonb cannot store");
        }
        checkEncodable(s, "JSON");
    }

    /**
     * Refuses a string with an unpaired UTF-16 surrogate: it has no UTF-8 form, and Java's encoder would silently
     * store '?' in its place.
     */
    static void checkEncodable(String s, String what) throws BadValue {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    throw new BadValue(what + " has an unpaired UTF-16 surrogate at character " + i
                            + ", which cannot be encoded as UTF-8");
                }
            }
        }
    }
}
