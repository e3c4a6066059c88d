package dev.cardswitch.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.Function;
import javax.imageio.ImageIO;

/**
 * Draws a load sweep as a PNG with Java2D (headless; no plotting library): offered load on the x
 * axis, receipt → {@code /card} answered p50 / p95 / p99 and receipt → outcome p99 on a logarithmic
 * y axis (so 200 ms and a 15 s queue both stay readable), the achieved throughput against a right
 * axis, and two reference lines: the target p99 (L + 300 ms, where the sandbox's L is known) and
 * Knot's 15-second window. Stateless.
 */
public final class LatencyPlot {

  /** One step of the sweep; a null figure is left out of its line. */
  public record Point(double offered, Double achieved, Long p50, Long p95, Long p99, Long p99Outcome,
      long deadlineMisses) {}

  static final int WIDTH = 1100;
  static final int HEIGHT = 640;
  private static final int LEFT = 90;
  private static final int RIGHT = 90;
  private static final int TOP = 60;
  private static final int BOTTOM = 110;
  private static final double MIN_MS = 50;
  private static final double MAX_MS = 20_000;
  private static final long[] MS_TICKS = {50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000};
  private static final Color P50 = new Color(0x2b8a3e);
  private static final Color P95 = new Color(0xe67700);
  private static final Color P99 = new Color(0xc92a2a);
  private static final Color OUTCOME = new Color(0x862e9c);
  private static final Color ACHIEVED = new Color(0x1c7ed6);
  private static final Color GRID = new Color(0xe9ecef);

  private LatencyPlot() {}

  /**
   * Renders the plot and writes it to {@code file} as PNG.
   *
   * @param latencyMs Knot's latency L where the benchmark set it (the target line is L + 300 ms);
   *     empty against a real Knot, whose latency is its own: no target line then
   */
  public static void write(String title, OptionalLong latencyMs, List<Point> points, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    if (!ImageIO.write(render(title, latencyMs, points), "png", file.toFile())) {
      throw new IOException("this JVM has no PNG writer");
    }
  }

  static BufferedImage render(String title, OptionalLong latencyMs, List<Point> points) {
    if (points.isEmpty()) {
      throw new IllegalArgumentException("nothing to plot: the sweep has no steps");
    }
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      Axes axes = new Axes(points);
      drawFrame(g, axes, title);
      latencyMs.ifPresent(l -> drawReference(g, axes, l + 300, "target p99: L + 300 ms"));
      drawReference(g, axes, 15_000, "Knot's window: 15 s");
      drawLine(g, axes, points, Point::p50, P50, false);
      drawLine(g, axes, points, Point::p95, P95, false);
      drawLine(g, axes, points, Point::p99, P99, false);
      drawLine(g, axes, points, Point::p99Outcome, OUTCOME, true);
      drawAchieved(g, axes, points);
      drawLegend(g);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** The plot area and its scales. */
  private static final class Axes {
    final int x0 = LEFT;
    final int x1 = WIDTH - RIGHT;
    final int y0 = HEIGHT - BOTTOM;
    final int y1 = TOP;
    final double maxLoad;

    Axes(List<Point> points) {
      double max = 0;
      for (Point p : points) {
        max = Math.max(max, p.offered());
        if (p.achieved() != null) {
          max = Math.max(max, p.achieved());
        }
      }
      this.maxLoad = niceCeiling(max * 1.05);
    }

    int x(double load) {
      return (int) Math.round(x0 + (x1 - x0) * load / maxLoad);
    }

    int yMs(double ms) {
      double clamped = Math.max(MIN_MS, Math.min(MAX_MS, ms));
      double share = (Math.log(clamped) - Math.log(MIN_MS)) / (Math.log(MAX_MS) - Math.log(MIN_MS));
      return (int) Math.round(y0 - (y0 - y1) * share);
    }

    int yLoad(double load) {
      return (int) Math.round(y0 - (y0 - y1) * load / maxLoad);
    }
  }

  private static void drawFrame(Graphics2D g, Axes a, String title) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (long tick : MS_TICKS) {
      int y = a.yMs(tick);
      g.setColor(GRID);
      g.drawLine(a.x0, y, a.x1, y);
      g.setColor(Color.DARK_GRAY);
      String label = tick >= 1000 ? (tick / 1000) + " s" : tick + " ms";
      g.drawString(label, a.x0 - 8 - g.getFontMetrics().stringWidth(label), y + 4);
    }
    for (int i = 0; i <= 5; i++) {
      double load = a.maxLoad * i / 5;
      int x = a.x(load);
      g.setColor(GRID);
      g.drawLine(x, a.y0, x, a.y1);
      g.setColor(Color.DARK_GRAY);
      String label = String.format(Locale.ROOT, "%.0f", load);
      g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, a.y0 + 18);
      g.setColor(ACHIEVED);
      g.drawString(label, a.x1 + 8, a.yLoad(load) + 4);
    }
    g.setColor(Color.BLACK);
    g.drawRect(a.x0, a.y1, a.x1 - a.x0, a.y0 - a.y1);
    g.drawString("offered load (events/s)", (a.x0 + a.x1) / 2 - 60, a.y0 + 38);
    drawVertical(g, "latency from receipt (log scale)", 22, (a.y0 + a.y1) / 2 + 90);
    g.setColor(ACHIEVED);
    drawVertical(g, "achieved switches/s", WIDTH - 22, (a.y0 + a.y1) / 2 + 60);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(title, a.x0, 32);
  }

  private static void drawVertical(Graphics2D g, String text, int x, int y) {
    Graphics2D rotated = (Graphics2D) g.create();
    rotated.rotate(-Math.PI / 2, x, y);
    rotated.drawString(text, x, y);
    rotated.dispose();
  }

  private static void drawReference(Graphics2D g, Axes a, long ms, String label) {
    Stroke saved = g.getStroke();
    g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 6f}, 0f));
    g.setColor(Color.GRAY);
    int y = a.yMs(ms);
    g.drawLine(a.x0, y, a.x1, y);
    g.setStroke(saved);
    g.drawString(label, a.x0 + 6, y - 4);
  }

  private static void drawLine(Graphics2D g, Axes a, List<Point> points, Function<Point, Long> figure, Color color,
      boolean dashed) {
    Stroke saved = g.getStroke();
    g.setStroke(dashed
        ? new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, new float[] {8f, 5f}, 0f)
        : new BasicStroke(2f));
    g.setColor(color);
    List<int[]> xy = new ArrayList<>();
    for (Point p : points) {
      Long ms = figure.apply(p);
      if (ms != null) {
        xy.add(new int[] {a.x(p.offered()), a.yMs(ms)});
      }
    }
    for (int i = 1; i < xy.size(); i++) {
      g.drawLine(xy.get(i - 1)[0], xy.get(i - 1)[1], xy.get(i)[0], xy.get(i)[1]);
    }
    for (int[] p : xy) {
      g.fillOval(p[0] - 4, p[1] - 4, 8, 8);
    }
    g.setStroke(saved);
  }

  private static void drawAchieved(Graphics2D g, Axes a, List<Point> points) {
    g.setColor(ACHIEVED);
    Stroke saved = g.getStroke();
    g.setStroke(new BasicStroke(1.5f));
    int[] last = null;
    for (Point p : points) {
      if (p.achieved() == null) {
        continue;
      }
      int[] here = {a.x(p.offered()), a.yLoad(p.achieved())};
      g.drawRect(here[0] - 3, here[1] - 3, 6, 6);
      if (last != null) {
        g.drawLine(last[0], last[1], here[0], here[1]);
      }
      if (p.deadlineMisses() > 0) {
        g.drawString(p.deadlineMisses() + " missed", here[0] + 6, here[1] + 14);
      }
      last = here;
    }
    g.setStroke(saved);
  }

  private static void drawLegend(Graphics2D g) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    String[] labels = {"receipt → /card answered p50", "p95", "p99", "receipt → outcome visible p99 (dashed)",
        "achieved switches/s (right axis)"};
    Color[] colors = {P50, P95, P99, OUTCOME, ACHIEVED};
    int x = LEFT;
    int y = HEIGHT - 40;
    for (int i = 0; i < labels.length; i++) {
      g.setColor(colors[i]);
      g.fillRect(x, y - 9, 14, 10);
      g.setColor(Color.BLACK);
      g.drawString(labels[i], x + 20, y);
      x += 30 + g.getFontMetrics().stringWidth(labels[i]);
    }
  }

  /**
   * The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten that is at least
   * {@code value}: fine enough steps that the axis never runs to twice its data (2,520 gives 3,000,
   * not 5,000), and each divides into five labelled intervals.
   */
  static double niceCeiling(double value) {
    if (!(value > 0)) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    for (double step : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
      if (step * magnitude >= value) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }
}
