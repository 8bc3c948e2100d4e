package org.level4j.rocksdb;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.level4j.Database;
import org.level4j.conformance.BatchLedger;

/**
 * Writes the {@link BatchLedger} batches 0, 1, 2, ... of prefix {@code args[1]} into the database
 * in {@code args[0]} with default (non-sync) writes. After each acknowledged batch it appends
 * {@code <b>} to the file {@code args[2]} (one write call, so it is in the kernel before the next
 * batch starts and survives a SIGKILL) and prints {@code ACK <b>}. Runs until killed.
 */
final class BatchWriter {
  private BatchWriter() {}

  public static void main(String[] args) throws IOException {
    Database db = RocksLevel.open(Path.of(args[0]));
    try (FileOutputStream acks = new FileOutputStream(args[2], true)) {
      for (long b = 0; ; b++) {
        db.batch(BatchLedger.batch(args[1], b));
        acks.write((b + "\n").getBytes(StandardCharsets.US_ASCII));
        System.out.println("ACK " + b);
        System.out.flush();
      }
    }
  }
}
