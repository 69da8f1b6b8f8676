package dev.keel.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The typed stores of one Keel, each created on first use from the shared {@link StoreContext} and closed (in
 * reverse order of creation) when Keel closes, before the pool. A store that owns threads or connections
 * implements {@link AutoCloseable}.
 */
public final class Stores implements AutoCloseable {
    private final StoreContext context;
    private final Map<Class<?>, Object> stores = new LinkedHashMap<>();
    private boolean closed;

    public Stores(StoreContext context) {
        this.context = context;
    }

    public StoreContext context() {
        return context;
    }

    /** The store of type {@code type}, created by {@code factory} the first time it is asked for. */
    public synchronized <T> T get(Class<T> type, Function<StoreContext, ? extends T> factory) {
        if (closed) {
            throw new IllegalStateException("Keel is closed");
        }
        Object store = stores.get(type);
        if (store == null) {
            store = factory.apply(context);
            stores.put(type, store);
        }
        return type.cast(store);
    }

    /** Closes every store that is {@link AutoCloseable}, newest first; later failures ride along as suppressed. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Object> open = new ArrayList<>(stores.values());
        stores.clear();
        RuntimeException failure = null;
        for (int i = open.size() - 1; i >= 0; i--) {
            if (open.get(i) instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    RuntimeException r = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                    if (failure == null) {
                        failure = r;
                    } else {
                        failure.addSuppressed(r);
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
