package dev.keel.cli;

import java.text.DecimalFormat;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress of one long step, drawn on stderr; {@link #NONE} draws nothing. Feed it from one thread. */
interface Progress extends AutoCloseable {
    Progress NONE = new Progress() {
        @Override
        public void stepTo(long done) {
        }

        @Override
        public void note(String message) {
        }

        @Override
        public void close() {
        }
    };

    /** Moves the bar to {@code done} units; cheap enough to call for every row. */
    void stepTo(long done);

    /** A few words after the bar, such as what happens once all rows are in. */
    void note(String message);

    @Override
    void close();

    static Progress bar(String task, long max, String unit, long unitSize) {
        ProgressBar bar = ProgressBar.builder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
                .setUnit(unit, unitSize).showSpeed(new DecimalFormat(unitSize == 1 ? "#,##0" : "#,##0.0"))
                .setUpdateIntervalMillis(250).setMaxRenderedLength(100).build();
        return new Progress() {
            private long shown;
            private long last;

            @Override
            public void stepTo(long done) {
                // the bar redraws on its own timer; passing every row through its lock would cost more than the row
                last = done;
                if (done - shown >= 4096) {
                    bar.stepTo(done);
                    shown = done;
                }
            }

            @Override
            public void note(String message) {
                bar.stepTo(last);
                bar.setExtraMessage(message);
            }

            @Override
            public void close() {
                bar.stepTo(last);
                bar.close();
            }
        };
    }
}
