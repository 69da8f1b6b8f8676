package dev.keel.benchmarks.report;

import dev.keel.benchmarks.data.Shape;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

/**
 * Draws the run with JFreeChart: one horizontal bar panel per group and table, a bar per method and size on a
 * logarithmic axis (the methods span two orders of magnitude), error bars from JMH's confidence intervals, and the
 * environment above. Written as SVG (jfreesvg) or PNG, by the file's extension.
 */
public final class ResultChart {
    private static final int WIDTH = 1500;
    private static final int COLUMN = WIDTH / 2;
    private static final int HEADER_LINE = 17;
    private static final Color[] SIZE_COLORS = {new Color(0x9ecae1), new Color(0x4292c6), new Color(0x08519c),
            new Color(0x08306b)};
    private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);

    private final List<Figure> figures;

    public ResultChart(List<Figure> figures) {
        this.figures = List.copyOf(figures);
    }

    public void write(Path file, Environment env, List<String> warnings) throws IOException {
        List<String> header = new ArrayList<>(env.lines());
        header.addAll(warnings);
        List<Panel> left = new ArrayList<>();
        List<Panel> right = new ArrayList<>();
        for (String shape : Shape.NAMES) {
            panel(Method.Group.INSERT, shape).ifPresent(left::add);
            panel(Method.Group.READ, shape).ifPresent(right::add);
        }
        panel(Method.Group.TRANSACTION, "").ifPresent(right::add);
        int top = 40 + header.size() * HEADER_LINE + 10;
        int height = top + Math.max(left.stream().mapToInt(Panel::height).sum(),
                right.stream().mapToInt(Panel::height).sum()) + 10;

        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".png")) {
            BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            draw(g, height, top, header, left, right);
            g.dispose();
            ImageIO.write(image, "png", file.toFile());
        } else if (name.endsWith(".svg")) {
            SVGGraphics2D g = new SVGGraphics2D(WIDTH, height);
            draw(g, height, top, header, left, right);
            Files.writeString(file, g.getSVGDocument(), StandardCharsets.UTF_8);
        } else {
            throw new IllegalArgumentException("chart file " + file + " must end in .svg or .png");
        }
    }

    private static void draw(Graphics2D g, int height, int top, List<String> header, List<Panel> left,
                             List<Panel> right) {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString("Keel benchmarks: write, read and transaction paths on PostgreSQL", 12, 28);
        g.setFont(TEXT);
        int y = 40 + HEADER_LINE - 4;
        for (String line : header) {
            g.drawString(line, 12, y);
            y += HEADER_LINE;
        }
        column(g, left, 0, top);
        column(g, right, COLUMN, top);
    }

    private static void column(Graphics2D g, List<Panel> panels, int x, int top) {
        int y = top;
        for (Panel p : panels) {
            p.chart.draw(g, new Rectangle2D.Double(x, y, COLUMN, p.height));
            y += p.height;
        }
    }

    private record Panel(JFreeChart chart, int height) {
    }

    private java.util.Optional<Panel> panel(Method.Group group, String shape) {
        List<Figure> mine = figures.stream().filter(f -> f.method().group == group && f.shape().equals(shape)).toList();
        if (mine.isEmpty()) {
            return java.util.Optional.empty();
        }
        TreeSet<Integer> sizes = new TreeSet<>();
        mine.forEach(f -> sizes.add(f.rows()));
        DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
        int categories = 0;
        for (Method m : Method.values()) {
            if (m.group != group || mine.stream().noneMatch(f -> f.method() == m)) {
                continue;
            }
            categories++;
            for (int n : sizes) {
                String series = group == Method.Group.TRANSACTION ? "one row per transaction"
                        : ResultTable.size(n) + " rows";
                Figure f = mine.stream().filter(x -> x.method() == m && x.rows() == n).findFirst().orElse(null);
                if (f == null) {
                    data.add(null, null, series, m.label);
                } else {
                    double rel = Double.isNaN(f.relativeError()) ? 0 : f.relativeError();
                    data.add(f.rate(), Math.min(f.rate() * rel, f.rate() * 0.95), series, m.label);
                }
            }
        }
        String title = switch (group) {
            case INSERT -> "Inserts into " + table(shape) + ", " + group.unit + " (log scale)";
            case READ -> "Reads of " + table(shape) + ", " + group.unit + " (log scale)";
            case TRANSACTION -> "Transactions, " + group.unit;
        };
        CategoryAxis methods = new CategoryAxis();
        methods.setTickLabelFont(TEXT);
        methods.setMaximumCategoryLabelWidthRatio(0.45f);
        methods.setCategoryMargin(0.25);
        ValueAxis values = group == Method.Group.TRANSACTION ? linearAxis(group.unit) : logAxis(group.unit, mine);
        StatisticalBarRenderer bars = new StatisticalBarRenderer();
        bars.setErrorIndicatorPaint(Color.BLACK);
        bars.setErrorIndicatorStroke(new BasicStroke(1f));
        bars.setDrawBarOutline(false);
        bars.setShadowVisible(false);
        bars.setBarPainter(new StandardBarPainter());
        bars.setItemMargin(0.05);
        for (int k = 0; k < sizes.size(); k++) {
            bars.setSeriesPaint(k, SIZE_COLORS[Math.min(k + (sizes.size() < 3 ? 1 : 0), SIZE_COLORS.length - 1)]);
        }
        CategoryPlot plot = new CategoryPlot(data, methods, values, bars);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_RIGHT);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xbbbbbb));
        plot.setRangeGridlinesVisible(true);
        JFreeChart chart = new JFreeChart(null, TITLE, plot, group != Method.Group.TRANSACTION);
        chart.setTitle(new TextTitle(title, TITLE));
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(6, 6, 6, 24));
        if (chart.getLegend() != null) {
            chart.getLegend().setPosition(RectangleEdge.BOTTOM);
            chart.getLegend().setItemFont(TEXT);
        }
        int bars_ = categories * Math.max(1, sizes.size());
        return java.util.Optional.of(new Panel(chart, 100 + bars_ * 13 + categories * 6));
    }

    private static String table(String shape) {
        return switch (shape) {
            case "nodes" -> "graph_nodes";
            case "edges" -> "graph_edges";
            default -> shape;
        };
    }

    private static ValueAxis linearAxis(String unit) {
        NumberAxis axis = new NumberAxis(unit);
        axis.setLabelFont(TEXT);
        axis.setNumberFormatOverride(new RateFormat());
        return axis;
    }

    private static ValueAxis logAxis(String unit, List<Figure> figures) {
        double min = figures.stream().mapToDouble(Figure::rate).min().orElse(1);
        double max = figures.stream().mapToDouble(f -> Math.min(f.rateHigh(), f.rate() * 2)).max().orElse(10);
        LogAxis axis = new LogAxis(unit);
        axis.setLabelFont(TEXT);
        axis.setBase(10);
        axis.setSmallestValue(1);
        // a hair beyond the powers of ten, so both ends get their label despite rounding in the log transform
        axis.setRange(Math.pow(10, Math.floor(Math.log10(min / 1.5))) * 0.999,
                Math.pow(10, Math.ceil(Math.log10(max))) * 1.001);
        axis.setTickUnit(new NumberTickUnit(1.0)); // one label per power of ten
        axis.setMinorTickCount(9);
        axis.setMinorTickMarksVisible(true);
        axis.setNumberFormatOverride(new RateFormat());
        return axis;
    }

    /** Axis labels as 1k, 10k, 1M. */
    private static final class RateFormat extends NumberFormat {
        private static final long serialVersionUID = 1L;

        @Override
        public StringBuffer format(double number, StringBuffer toAppendTo, FieldPosition pos) {
            return toAppendTo.append(ResultTable.rate(number).replaceAll("\\.0+(?=[kM]?$)", ""));
        }

        @Override
        public StringBuffer format(long number, StringBuffer toAppendTo, FieldPosition pos) {
            return format((double) number, toAppendTo, pos);
        }

        @Override
        public Number parse(String source, ParsePosition parsePosition) {
            throw new UnsupportedOperationException();
        }
    }
}
