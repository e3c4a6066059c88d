package dev.cardswitch.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;

/**
 * One request to the sandbox and its answer, over Jetty's request, response and callback: what the
 * handlers need and nothing more. The answer leaves in one write, headers and body together, as a
 * real Knot's server sends it: the JDK's own server flushes the headers first, and the body then
 * waited up to 40 ms for the client's delayed acknowledgement (docs/BENCHMARKS.md item 25).
 *
 * <p>Answered at most once; {@link #send} may be called from any thread (delayed answers come from
 * the sandbox's scheduler).
 */
final class SandboxExchange {

  private final Request request;
  private final Response response;
  private final Callback callback;
  private final AtomicBoolean answered = new AtomicBoolean();

  SandboxExchange(Request request, Response response, Callback callback) {
    this.request = request;
    this.response = response;
    this.callback = callback;
  }

  String method() {
    return request.getMethod();
  }

  String path() {
    return request.getHttpURI().getPath();
  }

  /** The first value of a request header, or null. */
  String header(String name) {
    return request.getHeaders().get(name);
  }

  /** Up to {@code max} bytes of the request body; the rest is left unread. */
  byte[] body(int max) throws IOException {
    try (InputStream in = Content.Source.asInputStream(request)) {
      return in.readNBytes(max);
    }
  }

  /** Sets a header of the answer; call before {@link #send}. */
  void header(String name, String value) {
    response.getHeaders().put(name, value);
  }

  /**
   * Sends the answer, JSON, and returns once it is written (a client that went away ends it
   * quietly). So a caller may close the sandbox's socket right after, as a refuse outage does.
   */
  void send(int status, byte[] body) {
    if (!answered.compareAndSet(false, true)) {
      return;
    }
    try (Blocker.Callback written = Blocker.callback()) {
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
      response.write(true, ByteBuffer.wrap(body), written);
      written.block();
      callback.succeeded();
    } catch (IOException | RuntimeException e) {
      // The client went away (timed out, or gave up): nothing to tell it.
      callback.failed(e);
    }
  }

  /** Ends the exchange without an answer (the connection is dropped). */
  void abort(Throwable why) {
    if (answered.compareAndSet(false, true)) {
      callback.failed(why);
    }
  }
}
