package dev.keel.document;

import java.util.List;

/**
 * One page of a find and the cursor of the next ({@code null} when this page was the last).
 *
 * @param items      the documents of this page
 * @param nextCursor give to {@link Query#after(String)} for the next page
 */
public record Page<T>(List<T> items, String nextCursor) {
    public Page {
        items = List.copyOf(items);
    }
}
