package dev.cardswitch.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cardswitch.app.runtime.AppConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code card-switch status TASK_ID}: what happened to one switch task, asked of a running
 * card-switch's admin endpoint ({@code GET /switches/{task_id}}; any instance answers, forwarding to
 * the one holding the task). Prints a human view, or with {@code --json} the endpoint's JSON line.
 * Exit status: 0 the task is known; 1 no record of it; 2 no card-switch answered or the arguments
 * are wrong; 3 the instances cannot answer now (rebalancing), try again.
 *
 * <p>Not thread-safe: picocli makes one instance per run.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show the state of one switch task: PENDING, SWITCHED, SKIPPED or DEAD_LETTERED (with the reason),",
      "and its history (webhook events, outcome, dead letters). Asks a running card-switch's admin",
      "endpoint; any instance answers for any task."
    },
    footer = {
      "",
      "Examples:",
      "  ./card-switch status 408321",
      "      the task's state and history, from the card-switch on this machine (port ADMIN_PORT, 8080)",
      "  ./card-switch status 408321 --admin-url http://card-switch-0.card-switch:8080",
      "      ask another instance (it forwards to the one holding the task)",
      "  ./card-switch status 408321 --json | jq .status",
      "      the JSON line of GET /switches/408321, for scripts",
      "",
      "Exit status: 0 known task, 1 unknown task, 2 no card-switch answered or bad arguments,",
      "3 the instances are rebalancing (try again in a few seconds)."
    })
public final class StatusCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The admin endpoint answers from a local store or one hop away: a few seconds is ample. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Parameters(index = "0", paramLabel = "TASK_ID", description = "Knot's task_id (of the AUTHENTICATED webhook).")
  long taskId;

  @Option(names = "--admin-url", paramLabel = "URL",
      description = "A card-switch admin endpoint (default: http://127.0.0.1:$ADMIN_PORT, port "
          + AppConfig.DEFAULT_ADMIN_PORT + " unless ADMIN_PORT is set).")
  String adminUrl;

  @Option(names = "--json", description = "Print the endpoint's JSON line instead of the human view.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Map<String, String> env;

  public StatusCommand() {
    this(System.getenv());
  }

  StatusCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String base = adminUrl != null ? adminUrl
        : "http://127.0.0.1:" + env.getOrDefault(AppConfig.ADMIN_PORT, Integer.toString(AppConfig.DEFAULT_ADMIN_PORT));
    base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    URI uri;
    try {
      uri = URI.create(base + "/switches/" + taskId);
      if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      return fail(err, 2, "\"" + base + "\" is not an admin URL: give one such as http://127.0.0.1:8080");
    }
    if (taskId < 0) {
      return fail(err, 2, "the task id is " + taskId + ": give Knot's task_id, a positive whole number");
    }
    HttpResponse<String> response;
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
      response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      return fail(err, 2, "no card-switch answered at " + base + ": start it (./card-switch run) or pass --admin-url"
          + (adminUrl == null ? " (or set ADMIN_PORT to its admin port)" : ""));
    } catch (HttpTimeoutException e) {
      return fail(err, 2, "card-switch at " + base + " did not answer within " + TIMEOUT.toSeconds()
          + " s: check that it is running (GET " + base + "/health)");
    } catch (IOException e) {
      return fail(err, 2, "could not ask " + base + " (" + e.getClass().getSimpleName()
          + "): check the URL, or pass --admin-url");
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      return fail(err, 2, base + " answered HTTP " + response.statusCode() + " without JSON: is it a card-switch"
          + " admin endpoint (ADMIN_PORT), not another service?");
    }
    if (json) {
      out.println(body.toString());
      out.flush();
    }
    switch (response.statusCode()) {
      case 200 -> {
        if (!json) {
          human(out, body);
        }
        return 0;
      }
      case 404 -> {
        return fail(err, 1, body.path("message").asText("task " + taskId + " is unknown"));
      }
      case 503 -> {
        return fail(err, 3, body.path("message").asText("card-switch cannot answer now: try again in a few seconds"));
      }
      default -> {
        return fail(err, 2, base + " answered HTTP " + response.statusCode() + ": "
            + body.path("message").asText(body.toString()));
      }
    }
  }

  private static int fail(PrintWriter err, int status, String message) {
    err.println("status: " + message);
    err.flush();
    return status;
  }

  /** The human view: the state and what it means, the task's facts, then its history. */
  static void human(PrintWriter out, JsonNode s) {
    String status = s.path("status").asText();
    out.println("task " + s.path("task_id").asText() + ": " + status + "  (" + meaning(status) + ")");
    if (s.hasNonNull("reason")) {
      out.println("  reason:     " + s.get("reason").asText()
          + (s.hasNonNull("replayable") ? (s.get("replayable").asBoolean() ? " (replayable once the cause is fixed)"
              : " (permanent: replaying will not help)") : ""));
    }
    if (s.hasNonNull("detail")) {
      out.println("  detail:     " + s.get("detail").asText());
    }
    if (s.hasNonNull("knot_error_code")) {
      out.println("  knot error: " + s.get("knot_error_code").asText());
    }
    if (s.hasNonNull("merchant")) {
      out.println("  merchant:   " + s.get("merchant").path("name").asText("?") + " (id "
          + s.get("merchant").path("id").asText("?") + ")");
    }
    if (s.hasNonNull("card_id") || s.hasNonNull("card_last_four")) {
      out.println("  card:       " + s.path("card_id").asText("?")
          + (s.hasNonNull("card_last_four") ? ", ending " + s.get("card_last_four").asText() : ""));
    }
    line(out, "received:  ", s, "received_at");
    line(out, "deadline:  ", s, "deadline_at");
    if (s.path("attempts").asInt() > 0) {
      out.println("  calls:      " + s.get("attempts").asInt() + " POST /card"
          + (s.hasNonNull("http_status") ? ", Knot's last answer HTTP " + s.get("http_status").asInt() : "")
          + (s.path("resent_after_restart").asBoolean() ? " (sent again after a restart: Knot may have it twice)" : ""));
    }
    line(out, "completed: ", s, "completed_at");
    out.println("  history:");
    if (s.path("history_dropped").asInt() > 0) {
      out.println("    (" + s.get("history_dropped").asInt() + " older entries dropped)");
    }
    for (JsonNode e : s.path("history")) {
      String what = e.path("kind").asText()
          + (e.hasNonNull("event_type") ? " " + e.get("event_type").asText() : "")
          + (e.hasNonNull("reason") ? " " + e.get("reason").asText() : "");
      out.println("    " + e.path("at").asText() + "  " + what + "  -> " + e.path("status").asText());
    }
    out.println("  (answered by " + s.path("served_by").asText() + ")");
    out.flush();
  }

  private static void line(PrintWriter out, String label, JsonNode s, String field) {
    if (s.hasNonNull(field)) {
      out.println("  " + label + " " + s.get(field).asText());
    }
  }

  /** One line a support person can act on. */
  static String meaning(String status) {
    return switch (status) {
      case "PENDING" -> "received, no outcome yet: waiting for the card reference, queued, or being sent to Knot";
      case "SWITCHED" -> "Knot accepted the card";
      case "SKIPPED" -> "Knot asked for no card (send_card=false); nothing was sent";
      case "DEAD_LETTERED" -> "the card could not be sent; see the reason";
      default -> "a state this card-switch does not know";
    };
  }
}
