package dev.keel.document;

import dev.keel.error.InvalidInputException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The text form of a document's identity, {@code collection:id}, for example {@code memories:0190b2c4-…}. The
 * collection part never contains {@code :} (collection names are {@code [a-z_][a-z0-9_]{0,62}}), so the id is
 * everything after the first {@code :} and may itself contain {@code :}. Immutable value type.
 *
 * @param collection the collection's name
 * @param id         the document's {@code _id}: 1 to 255 characters, no control characters
 */
public record DocumentId(String collection, String id) {
    private static final Pattern COLLECTION = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** The longest id Keel accepts, in characters. */
    public static final int MAX_ID_LENGTH = 255;

    public DocumentId {
        checkCollection(collection);
        checkId(id);
    }

    /** Parses {@code collection:id}; the id may contain {@code :}. */
    public static DocumentId parse(String text) {
        if (text == null) {
            throw new InvalidInputException("must not be null", "documentId");
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new InvalidInputException("'" + abbreviate(text) + "' is not of the form collection:id", "documentId");
        }
        return new DocumentId(text.substring(0, colon), text.substring(colon + 1));
    }

    /**
     * The id within {@code collection} that {@code idOrText} names: {@code collection:id} for this collection, or a
     * bare id (which may contain {@code :} when it does not start with this collection's name and a colon).
     */
    public static String idIn(String collection, String idOrText) {
        Objects.requireNonNull(idOrText, "id");
        String prefix = collection + ":";
        String id = idOrText.startsWith(prefix) ? idOrText.substring(prefix.length()) : idOrText;
        checkId(id);
        return id;
    }

    /** Checks a collection name: {@code [a-z_][a-z0-9_]{0,62}}. */
    public static void checkCollectionName(String name) {
        checkCollection(name);
    }

    static void checkCollection(String name) {
        if (name == null || !COLLECTION.matcher(name).matches()) {
            throw new InvalidInputException("'" + abbreviate(String.valueOf(name)) + "' is not a collection name: "
                    + "must match [a-z_][a-z0-9_]{0,62}", "collection");
        }
    }

    /** Checks a document id: 1 to {@value #MAX_ID_LENGTH} characters, no control characters. */
    public static void checkId(String id) {
        if (id == null || id.isEmpty()) {
            throw new InvalidInputException("must not be empty", "_id");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw new InvalidInputException("is longer than " + MAX_ID_LENGTH + " characters", "_id");
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                throw new InvalidInputException("must not contain control characters (at " + i + ")", "_id");
            }
        }
        if (!id.codePoints().allMatch(Character::isDefined) || hasLoneSurrogate(id)) {
            throw new InvalidInputException("must be valid Unicode text", "_id");
        }
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return true;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    /** {@code collection:id}. */
    @Override
    public String toString() {
        return collection + ":" + id;
    }
}
