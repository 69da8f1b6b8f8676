package dev.keel.internal.bulk;

import dev.keel.error.InvalidInputException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** The buffered head of the input, then the rest, counting rows as they are taken. */
final class Rows<R> implements Iterator<R> {
    private final List<R> head;
    private final Iterator<? extends R> rest;
    private int headIndex;
    long count;

    Rows(List<R> head, Iterator<? extends R> rest) {
        this.head = head;
        this.rest = rest;
    }

    @Override
    public boolean hasNext() {
        return headIndex < head.size() || rest.hasNext();
    }

    @Override
    public R next() {
        R r;
        if (headIndex < head.size()) {
            r = head.get(headIndex);
            head.set(headIndex++, null); // let sent rows go
        } else if (rest.hasNext()) {
            r = rest.next();
        } else {
            throw new NoSuchElementException();
        }
        if (r == null) {
            throw new InvalidInputException("bulk write: row " + count + " is null", "row");
        }
        count++;
        return r;
    }
}
