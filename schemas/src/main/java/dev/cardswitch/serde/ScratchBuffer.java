package dev.cardswitch.serde;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte buffer reused by one thread across records, so serializing allocates only the
 * returned array. Not thread-safe: one per thread.
 */
final class ScratchBuffer extends OutputStream {

  /** Larger buffers are dropped after use, so one huge record does not pin memory per thread. */
  static final int MAX_RETAINED = 1 << 20;

  private byte[] bytes = new byte[512];
  private int size;

  @Override
  public void write(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
  }

  @Override
  public void write(byte[] source, int offset, int length) {
    ensure(length);
    System.arraycopy(source, offset, bytes, size, length);
    size += length;
  }

  void writeInt(int value) {
    ensure(4);
    bytes[size++] = (byte) (value >>> 24);
    bytes[size++] = (byte) (value >>> 16);
    bytes[size++] = (byte) (value >>> 8);
    bytes[size++] = (byte) value;
  }

  void reset() {
    size = 0;
    if (bytes.length > MAX_RETAINED) {
      bytes = new byte[512];
    }
  }

  byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }
}
