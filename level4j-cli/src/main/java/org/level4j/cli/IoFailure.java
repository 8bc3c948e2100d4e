package org.level4j.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.level4j.ErrorCode;
import org.level4j.LevelException;

/**
 * An I/O error on a file the user named, or on standard output, as the {@link
 * ErrorCode#LEVEL_IO_ERROR} a person can act on: what the command was doing, the path and what
 * went wrong with it in words (the JDK's exceptions name a path and leave the error to their
 * class), and what to do. Exit code 2, as any failure of the database; not a stack trace.
 */
final class IoFailure {
  private IoFailure() {}

  /**
   * {@code doing: <what went wrong>; todo}.
   *
   * @param doing what failed, as "cannot export to out.jsonl"
   * @param todo what the user can do about it
   */
  static LevelException of(String doing, IOException e, String todo) {
    return new LevelException(ErrorCode.LEVEL_IO_ERROR, doing + ": " + describe(e) + "; " + todo,
        e);
  }

  /** What went wrong, naming the path if the exception names one. */
  static String describe(IOException e) {
    if (!(e instanceof FileSystemException)) {
      return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
    FileSystemException f = (FileSystemException) e;
    String what;
    if (f.getReason() != null) {
      what = f.getReason();
    } else if (e instanceof NoSuchFileException) {
      what = "no such file or directory";
    } else if (e instanceof AccessDeniedException) {
      what = "permission denied";
    } else if (e instanceof FileAlreadyExistsException) {
      what = "already exists";
    } else if (e instanceof NotDirectoryException) {
      what = "not a directory";
    } else if (e instanceof DirectoryNotEmptyException) {
      what = "directory not empty";
    } else {
      what = e.getClass().getSimpleName();
    }
    String where = f.getFile() == null ? ""
        : f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": ";
    return where + what;
  }
}
