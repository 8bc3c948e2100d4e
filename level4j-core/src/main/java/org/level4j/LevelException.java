package org.level4j;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The one exception type of level4j. {@link #code()} says what kind of failure it is; the message
 * says what to do about it; the cause, if any, is the underlying error.
 */
public final class LevelException extends RuntimeException {
  /** The version of this exception's serialized form. */
  private static final long serialVersionUID = 1L;

  /** What kind of failure this is; part of the serialized form. */
  private final ErrorCode code;

  /**
   * A failure of kind {@code code}, with a message that says what to do about it.
   *
   * @param code what kind of failure this is
   * @param message what happened and what to do about it
   */
  public LevelException(ErrorCode code, String message) {
    this(code, message, null);
  }

  /**
   * A failure of kind {@code code} caused by {@code cause} (may be {@code null}).
   *
   * @param code what kind of failure this is
   * @param message what happened and what to do about it
   * @param cause the underlying error, or {@code null}
   */
  public LevelException(ErrorCode code, String message, Throwable cause) {
    super(code + ": " + message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /**
   * What kind of failure this is.
   *
   * @return the code
   */
  public ErrorCode code() {
    return code;
  }

  /**
   * The message without the leading code.
   *
   * @return the message, without {@code "CODE: "} in front
   */
  public String reason() {
    String m = getMessage();
    String p = code + ": ";
    return m.startsWith(p) ? m.substring(p.length()) : m;
  }

  /**
   * Unwraps {@code t} to the LevelException it is or carries (through CompletionException and
   * ExecutionException), or wraps it as {@code fallback}.
   *
   * @param t a failure, as a future or a call reports it
   * @param fallback the code to wrap a failure that is not a LevelException in
   * @return the LevelException
   */
  public static LevelException of(Throwable t, ErrorCode fallback) {
    Throwable c = t;
    while (c != null) {
      if (c instanceof LevelException) {
        return (LevelException) c;
      }
      if (c instanceof java.util.concurrent.CompletionException
          || c instanceof java.util.concurrent.ExecutionException) {
        c = c.getCause();
      } else {
        break;
      }
    }
    Throwable cause = c == null ? t : c;
    return new LevelException(fallback, String.valueOf(cause.getMessage()), cause);
  }

  /**
   * Waits for {@code future} and returns its value, or throws the LevelException it failed with
   * (a failure that is none is wrapped as {@link ErrorCode#LEVEL_IO_ERROR}; a cancelled future
   * as {@link ErrorCode#LEVEL_DATABASE_NOT_OPEN}): the sync form of an async call.
   *
   * @param <T> the type of the value
   * @param future what to wait for
   * @return its value
   * @throws LevelException if it failed or was cancelled
   */
  public static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      throw of(e, ErrorCode.LEVEL_IO_ERROR);
    } catch (CancellationException e) {
      throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPEN, "the operation was cancelled",
          e);
    }
  }
}
