package dev.cardswitch.sandbox;

/**
 * How many {@code POST /card} requests the sandbox received for one task (every request whose body
 * named the task, whatever the answer) and how many it answered 200. Immutable snapshot.
 */
public record TaskCalls(long taskId, int calls, int successes) {}
