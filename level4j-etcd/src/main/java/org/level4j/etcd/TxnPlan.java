package org.level4j.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;
import org.level4j.RequestId;

/**
 * One batch as one etcd transaction: preconditions become compares, puts and dels the
 * operations applied when they hold, and reads of the checked keys the operations run when they
 * do not (to tell which one failed). Built, and checked against the cluster's limits, before
 * anything is sent: a batch the cluster would refuse fails here, whole.
 *
 * <p>etcd refuses a transaction that writes one key twice, while a batch may (the last operation
 * wins), so only the last put or del of each key is kept; within one transaction their order does
 * not matter any more.
 */
final class TxnPlan {
  /** Bytes a request carries besides keys and values, counted per operation and once. */
  private static final int PER_OP = 16;
  private static final int PER_REQUEST = 256;
  private static final GetOption KEY_ONLY = GetOption.builder().withKeysOnly(true).build();

  final List<Cmp> compares = new ArrayList<>();
  final List<io.etcd.jetcd.op.Op> then = new ArrayList<>();
  final List<io.etcd.jetcd.op.Op> otherwise = new ArrayList<>();
  /** Every etcd key the batch writes or checks, for {@link WriteOrder}. */
  final List<byte[]> keys = new ArrayList<>();
  /** The preconditions, in the order of {@link #otherwise}'s first reads. */
  final List<Op<byte[], byte[]>> expects = new ArrayList<>();
  /** Whether {@link #otherwise} ends with a read of the request's record. */
  final boolean recorded;
  /** About how many bytes the transaction's request carries. */
  long bytes;

  private TxnPlan(boolean recorded) {
    this.recorded = recorded;
  }

  /**
   * The transaction of {@code ops}; with a request, it also records the request (under {@code
   * lease}) unless it is already recorded, and forgets the client's settled requests.
   *
   * @throws LevelException {@link ErrorCode#LEVEL_LIMIT_EXCEEDED} if the cluster would refuse it
   */
  static TxnPlan of(Keyspace space, List<Op<byte[], byte[]>> ops, RequestId request, long lease,
      EtcdOptions options) {
    TxnPlan p = new TxnPlan(request != null);
    Map<ByteBuffer, Op<byte[], byte[]>> last = new LinkedHashMap<>();
    long bytes = PER_REQUEST;
    for (Op<byte[], byte[]> op : ops) {
      byte[] key = space.data(op.key());
      if (op.type() == Op.Type.EXPECT) {
        ByteSequence k = ByteSequence.from(key);
        p.compares.add(op.value() == null
            ? new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0))
            : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(op.value()))));
        p.otherwise.add(io.etcd.jetcd.op.Op.get(k, op.value() == null ? KEY_ONLY
            : GetOption.DEFAULT));
        p.expects.add(op);
        bytes += 2L * key.length + (op.value() == null ? 0 : op.value().length) + 2 * PER_OP;
      } else {
        ByteBuffer b = ByteBuffer.wrap(key);
        last.remove(b);
        last.put(b, op);
      }
      p.keys.add(key);
    }
    for (Map.Entry<ByteBuffer, Op<byte[], byte[]>> e : last.entrySet()) {
      ByteSequence k = ByteSequence.from(e.getKey().array());
      Op<byte[], byte[]> op = e.getValue();
      if (op.type() == Op.Type.PUT) {
        p.then.add(io.etcd.jetcd.op.Op.put(k, ByteSequence.from(op.value()), PutOption.DEFAULT));
        bytes += k.size() + op.value().length + PER_OP;
        if (k.size() + op.value().length + PER_REQUEST > options.maxRequestBytes()) {
          throw new LevelException(ErrorCode.LEVEL_LIMIT_EXCEEDED, "the entry at key "
              + Keyspace.show(op.key()) + " holds " + (k.size() + op.value().length)
              + " bytes, more than the etcd cluster takes in one request (" + limit(options)
              + "); nothing was written. Store large values elsewhere and keep a reference here, "
              + "or raise --max-request-bytes on every member and EtcdOptions.maxRequestBytes "
              + "to match");
        }
      } else {
        p.then.add(io.etcd.jetcd.op.Op.delete(k, DeleteOption.DEFAULT));
        bytes += k.size() + PER_OP;
      }
    }
    if (request != null) {
      byte[] record = space.record(request.client(), request.seq());
      ByteSequence r = ByteSequence.from(record);
      p.compares.add(new Cmp(r, Cmp.Op.EQUAL, CmpTarget.version(0)));
      p.then.add(io.etcd.jetcd.op.Op.put(r, ByteSequence.from(longBytes(System.currentTimeMillis())),
          lease == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(lease).build()));
      long settled = Math.min(request.settledBelow(), request.seq());
      if (settled > 0) {
        p.then.add(io.etcd.jetcd.op.Op.delete(
            ByteSequence.from(space.record(request.client(), 0)),
            DeleteOption.builder().withRange(ByteSequence.from(
                space.record(request.client(), settled))).build()));
      }
      p.otherwise.add(io.etcd.jetcd.op.Op.get(r, KEY_ONLY));
      bytes += 4L * record.length + 3 * PER_OP;
    }
    int writes = last.size();
    int max = options.maxTxnOps();
    if (p.then.size() > max) {
      throw new LevelException(ErrorCode.LEVEL_LIMIT_EXCEEDED, "a batch of " + writes
          + " puts and dels (of distinct keys" + (request == null ? "" : ", plus 1 or 2 for "
          + "its request record") + ") is more than the etcd cluster applies in one "
          + "transaction (--max-txn-ops " + max + "); nothing was written. Split it into "
          + "batches of at most " + (max - (request == null ? 0 : 2)) + " if they need not be "
          + "atomic together, or raise --max-txn-ops on every member and EtcdOptions.maxTxnOps "
          + "to match");
    }
    if (p.compares.size() > max) {
      throw new LevelException(ErrorCode.LEVEL_LIMIT_EXCEEDED, "a batch with "
          + p.expects.size() + " preconditions is more than the etcd cluster checks in one "
          + "transaction (--max-txn-ops " + max + "); nothing was written. Check fewer keys "
          + "(a version key that every writer updates stands for many), or raise --max-txn-ops "
          + "on every member and EtcdOptions.maxTxnOps to match");
    }
    p.bytes = bytes;
    if (bytes > options.maxRequestBytes()) {
      throw new LevelException(ErrorCode.LEVEL_LIMIT_EXCEEDED, "a batch of about " + bytes
          + " bytes is more than the etcd cluster takes in one request (" + limit(options)
          + "); nothing was written. Split it into smaller batches if they need not be atomic "
          + "together, or raise --max-request-bytes on every member and "
          + "EtcdOptions.maxRequestBytes to match");
    }
    return p;
  }

  /** Whether the batch is plain: no preconditions and no request record. */
  boolean plain() {
    return compares.isEmpty();
  }

  /**
   * Why the transaction's compares failed, from the reads it ran instead: null if the request
   * was already recorded (applied before), else the conflict to throw.
   */
  LevelException conflict(List<GetResponse> reads) {
    if (recorded && !reads.get(reads.size() - 1).getKvs().isEmpty()) {
      return null;
    }
    for (int i = 0; i < expects.size(); i++) {
      Op<byte[], byte[]> op = expects.get(i);
      boolean present = !reads.get(i).getKvs().isEmpty();
      if (op.value() == null && present) {
        return conflict("key " + Keyspace.show(op.key()) + " is present");
      }
      if (op.value() != null && !present) {
        return conflict("key " + Keyspace.show(op.key()) + " is absent");
      }
      if (op.value() != null
          && !Arrays.equals(op.value(), reads.get(i).getKvs().get(0).getValue().getBytes())) {
        return conflict("key " + Keyspace.show(op.key()) + " holds another value");
      }
    }
    return conflict("a precondition did not hold");
  }

  private static LevelException conflict(String what) {
    return new LevelException(ErrorCode.LEVEL_CONFLICT, what + "; nothing of the batch was written");
  }

  private static String limit(EtcdOptions options) {
    return "--max-request-bytes " + options.maxRequestBytes();
  }

  private static byte[] longBytes(long v) {
    byte[] b = new byte[8];
    for (int i = 7; i >= 0; i--) {
      b[i] = (byte) v;
      v >>>= 8;
    }
    return b;
  }
}
