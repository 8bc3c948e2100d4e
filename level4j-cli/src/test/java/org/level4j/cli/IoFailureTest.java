package org.level4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;
import org.level4j.ErrorCode;

/** How an I/O error reads: the path and what went wrong in words, whatever the JDK leaves out. */
class IoFailureTest {
  @Test
  void theJdksExceptionsWithoutAReasonAreWorded() {
    assertThat(IoFailure.describe(new NoSuchFileException("a/b")))
        .isEqualTo("a/b: no such file or directory");
    assertThat(IoFailure.describe(new AccessDeniedException("a/b")))
        .isEqualTo("a/b: permission denied");
    assertThat(IoFailure.describe(new FileAlreadyExistsException("a")))
        .isEqualTo("a: already exists");
    assertThat(IoFailure.describe(new FileSystemException("t", "d", "Is a directory")))
        .isEqualTo("t -> d: Is a directory");
    assertThat(IoFailure.describe(new IOException("No space left on device")))
        .isEqualTo("No space left on device");
    assertThat(IoFailure.describe(new IOException())).isEqualTo("IOException");
  }

  @Test
  void aFailureSaysWhatFailedWhyAndWhatToDo() {
    var e = IoFailure.of("cannot export to x", new AccessDeniedException("x"), "try elsewhere");
    assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_IO_ERROR);
    assertThat(e.getMessage())
        .isEqualTo("LEVEL_IO_ERROR: cannot export to x: x: permission denied; try elsewhere");
  }
}
