package dev.keel.codegen.internal;

import java.util.function.Consumer;

/** Where the plugin's messages go: Maven's log in a build, nowhere (or a list) in tests. */
public interface BuildLog {
    BuildLog NONE = of(s -> { }, s -> { }, s -> { });

    void debug(String message);

    void info(String message);

    void warn(String message);

    static BuildLog of(Consumer<String> debug, Consumer<String> info, Consumer<String> warn) {
        return new BuildLog() {
            @Override public void debug(String message) { debug.accept(message); }
            @Override public void info(String message) { info.accept(message); }
            @Override public void warn(String message) { warn.accept(message); }
        };
    }
}
