package dev.cardswitch.soak;

import dev.cardswitch.demo.DemoPlan;
import dev.cardswitch.demo.ExpectedResult;
import dev.cardswitch.schemas.DeadLetterReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The platform failing under card-switch, one run each: the broker restarted mid-run, the
 * application killed with SIGKILL at random points (seeded) and restarted each time, and a
 * rebalance from one instance to two and back to one. A restart may re-send a call that was in
 * flight (marked so), and an event may wait past its window while no instance runs. Stateless.
 */
public final class ProcessFaultScenarios {

  public static final String FIRST = KnotFaultScenarios.INSTANCE;
  public static final String SECOND = "b";

  /** Room for one kill: a restart of a cold JVM on a busy 2-core machine, and a random wait. */
  static final Duration PER_KILL = Duration.ofSeconds(17);

  /** Room for the second instance to start and join. */
  static final Duration JOIN = Duration.ofSeconds(30);

  /** The stop line of an instance: its outcomes and dead letters by kind. */
  private static final Pattern STOPPED = Pattern.compile(
      "card-switch stopped: SwitchCounters\\[outcomes=\\{([^}]*)}, deadLetters=\\{([^}]*)}");
  private static final Pattern COUNT = Pattern.compile("([A-Z_]+)=(\\d+)");

  private ProcessFaultScenarios() {}

  /** Every process fault, in the order the soak runs them. */
  public static List<ScenarioRun> all(Scale s, long seed) {
    return List.of(brokerRestart(s, seed + 10), randomKills(s, seed + 11), rebalance(s, seed + 12));
  }

  /** The broker stopped and started again on the same port with its data, while events flow. */
  public static ScenarioRun brokerRestart(Scale s, long seed) {
    Duration length = s.before().plus(s.during()).plus(s.after());
    return processFault("broker restart", s, seed, length, s.unknownCardPercent())
        .injected("the Kafka broker stopped and started again on the same port, with its data, mid-run")
        .fault(ctx -> {
          ctx.awaitElapsed(s.before());
          ctx.detail("broker restarting");
          ctx.faultStarted("broker stopped");
          Duration down = ctx.stack().restartBroker();
          ctx.faultEnded("broker started");
          ctx.detail("broker back");
          ctx.note("the broker was down " + KnotFaultScenarios.seconds(down));
        })
        .build();
  }

  /** SIGKILL at random points (some during start-up), each followed by a restart. */
  public static ScenarioRun randomKills(Scale s, long seed) {
    Duration length = s.before().plus(PER_KILL.multipliedBy(s.kills())).plus(s.after());
    return processFault("SIGKILL at random points", s, seed, length, DemoPlan.UNKNOWN_CARD_PERCENT)
        .injected(s.kills() + " SIGKILLs at random points (seed " + seed + "; about one in four during start-up),"
            + " each followed by a restart")
        .fault(ctx -> {
          SoakStack stack = ctx.stack();
          ctx.awaitElapsed(s.before());
          List<String> points = new ArrayList<>();
          List<Double> startUps = new ArrayList<>();
          int done = 0;
          for (int i = 1; i <= s.kills() && !ctx.productionDone(); i++) {
            ServiceProcess process = stack.instance(FIRST).orElseGet(() -> stack.startAsync(FIRST));
            boolean duringStartUp = i > 1 && ctx.random().nextDouble() < 0.25;
            Duration wait;
            if (duringStartUp) {
              wait = Duration.ofMillis(1000 + ctx.random().nextInt(4000));
              ctx.pause(Duration.between(Instant.now(), process.started().plus(wait)));
            } else {
              process.awaitRunning(SoakStack.START_TIMEOUT);
              if (i > 1) {
                startUps.add(Duration.between(process.started(), Instant.now()).toMillis() / 100 / 10.0);
              }
              // Some time up first, so that the kills find work in progress rather than a backlog.
              wait = Duration.ofMillis(1000 + ctx.random().nextInt(5000));
              ctx.pause(wait);
            }
            ctx.detail("kill " + i + "/" + s.kills());
            ctx.faultStarted("kill " + i);
            stack.kill(FIRST);
            done++;
            points.add((duringStartUp ? "start-up+" : "running+") + wait.toMillis() + "ms");
            stack.startAsync(FIRST);
            ctx.faultEnded("restart " + i);
          }
          ctx.detail("last restart");
          stack.instance(FIRST).orElseThrow().awaitRunning(SoakStack.START_TIMEOUT);
          ctx.note(done + " kills (seed " + seed + ") at " + points);
          ctx.note("restarts reached RUNNING after " + startUps + " s");
          if (done < s.kills()) {
            ctx.violation("only " + done + " of " + s.kills() + " kills happened before the events ran out: lengthen the run");
          }
        })
        .build();
  }

  /**
   * A second instance joins mid-run, then leaves (SIGTERM): one, two, then one instance again. Strict:
   * nothing is killed, so no valid card may miss its window (a stopped instance leaves the group, so
   * its tasks move at once; see {@code LEAVE_GROUP_ON_CLOSE}).
   */
  public static ScenarioRun rebalance(Scale s, long seed) {
    Duration length = s.before().plus(JOIN).plus(s.secondInstance()).plus(s.after());
    return ScenarioRun.builder("rebalance 1 → 2 → 1")
        .events(s.eventsFor(length))
        .rate(s.rate())
        .seed(seed)
        .mix(DemoPlan.SKIPPED_PERCENT, s.unknownCardPercent(), DemoPlan.INVALID_CARD_PERCENT)
        .instances(FIRST)
        .restarts()
        .injected("a second instance (own INSTANCE_ID, ADMIN_PORT, STATE_DIR) joined mid-run, ran "
            + s.secondInstance().toSeconds() + " s, then stopped (SIGTERM, leaving the group); no valid card may miss its window")
        .fault(ctx -> {
          SoakStack stack = ctx.stack();
          ctx.awaitElapsed(s.before());
          ctx.detail("second instance joining");
          ctx.faultStarted("second instance starts");
          Instant starting = Instant.now();
          stack.start(SECOND);
          ctx.faultEnded("second instance runs");
          ctx.note("the second instance ran after " + KnotFaultScenarios.seconds(Duration.between(starting, Instant.now())));
          ctx.detail("two instances");
          ctx.pause(s.secondInstance());
          ctx.detail("second instance leaving");
          ctx.faultStarted("second instance stops");
          stack.stop(SECOND);
          ctx.faultEnded("second instance stopped");
          ctx.detail("one instance");
          String output = stack.processes().stream().filter(p -> p.name().equals(SECOND)).findFirst()
              .map(ServiceProcess::output).orElse("");
          java.util.Map<String, Long> results = new java.util.TreeMap<>();
          Matcher m = STOPPED.matcher(output);
          while (m.find()) { // the last stop line counts
            results.clear();
            Matcher c = COUNT.matcher(m.group(1) + ", " + m.group(2));
            while (c.find()) {
              results.merge(c.group(1), Long.parseLong(c.group(2)), Long::sum);
            }
          }
          long handled = results.values().stream().mapToLong(Long::longValue).sum();
          ctx.note("the second instance published " + handled + " results before it stopped " + results);
          if (handled == 0) {
            ctx.violation("the second instance published no result: no task moved to it");
          } else if (results.getOrDefault("SWITCHED", 0L) == 0) {
            // Kafka Streams moves a stateful task to a new instance only once a warm-up replica has
            // caught up (acceptable.recovery.lag, then a probing rebalance, PROBING_REBALANCE_INTERVAL): with a
            // large card-reference store, the switching tasks stay put and only stateless ones move.
            ctx.note("no card switched on the second instance: its switching tasks were still warming up"
                + " (Kafka Streams moves a stateful task once its replica has caught up)");
          }
        })
        .build();
  }

  private static ScenarioRun.Builder processFault(String fault, Scale s, long seed, Duration length,
      int unknownCardPercent) {
    return ScenarioRun.builder(fault)
        .events(s.eventsFor(length))
        .rate(s.rate())
        .seed(seed)
        .mix(DemoPlan.SKIPPED_PERCENT, unknownCardPercent, DemoPlan.INVALID_CARD_PERCENT)
        .instances(FIRST)
        .restarts()
        .alsoAccept(ExpectedResult.SWITCHED, DeadLetterReason.DEADLINE_EXCEEDED)
        .alsoAccept(ExpectedResult.INVALID_CARD_DATA, DeadLetterReason.DEADLINE_EXCEEDED)
        .alsoAccept(ExpectedResult.NO_CARD_REFERENCE, DeadLetterReason.DEADLINE_EXCEEDED);
  }
}
