package dev.jtorch.examples.rnn;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Line charts as PNG (XChart, headless) and the same numbers as CSV. */
final class Plots {
    static {
        // before any AWT class loads: the examples run on servers without a display
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {}

    /** One line per series over a shared x axis. */
    static void lines(Path png, String title, String xTitle, String yTitle, double[] x, Map<String, double[]> series) throws IOException {
        lines(png, title, xTitle, yTitle, x, series, false);
    }

    /** @param logY a logarithmic y axis (loss curves) */
    static void lines(Path png, String title, String xTitle, String yTitle, double[] x, Map<String, double[]> series, boolean logY) throws IOException {
        XYChart chart = new XYChartBuilder().width(1000).height(450).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setXAxisTickMarkSpacingHint(90);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (var e : series.entrySet()) chart.addSeries(e.getKey(), x, e.getValue()).setMarker(SeriesMarkers.NONE);
        Files.createDirectories(png.toAbsolutePath().getParent());
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** A header line from the keys, then one row per x. */
    static void csv(Path file, String xName, double[] x, Map<String, double[]> columns) {
        StringBuilder sb = new StringBuilder(xName);
        for (String k : columns.keySet()) sb.append(',').append(k);
        sb.append('\n');
        for (int i = 0; i < x.length; i++) {
            sb.append(String.format(Locale.ROOT, "%.6g", x[i]));
            for (double[] c : columns.values()) sb.append(String.format(Locale.ROOT, ",%.6g", c[i]));
            sb.append('\n');
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
