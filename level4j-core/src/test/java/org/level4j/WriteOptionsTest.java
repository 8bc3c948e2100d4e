package org.level4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WriteOptionsTest {
  private static final RequestId ID =
      new RequestId("client".getBytes(StandardCharsets.UTF_8), 7, 3);

  @Test
  void defaultsUseTheDatabasesDurabilityAndNoRequestId() {
    WriteOptions d = WriteOptions.defaults();
    assertThat(d.sync()).isFalse();
    assertThat(d.request()).isNull();
    assertThat(d).isSameAs(WriteOptions.DEFAULT).isEqualTo(WriteOptions.builder().build());
  }

  @Test
  void syncIsTheDefaultsWithSyncOn() {
    assertThat(WriteOptions.SYNC.sync()).isTrue();
    assertThat(WriteOptions.SYNC.request()).isNull();
    assertThat(WriteOptions.SYNC).isEqualTo(WriteOptions.builder().sync(true).build())
        .isNotEqualTo(WriteOptions.DEFAULT);
  }

  @Test
  void toBuilderBuildsEqualOptions() {
    WriteOptions o = WriteOptions.builder().sync(true).request(ID).build();
    assertThat(o.toBuilder().build()).isEqualTo(o).hasSameHashCodeAs(o);
    assertThat(WriteOptions.SYNC.toBuilder().build()).isEqualTo(WriteOptions.SYNC);
    assertThat(o.toBuilder().request(null).build()).isEqualTo(WriteOptions.SYNC);
  }

  @Test
  void aRequestIdIsKeptAndComparedByValue() {
    WriteOptions o = WriteOptions.builder().request(ID).build();
    assertThat(o.request()).isEqualTo(ID);
    assertThat(o.sync()).isFalse();
    assertThat(o).isEqualTo(WriteOptions.builder()
        .request(new RequestId("client".getBytes(StandardCharsets.UTF_8), 7, 3)).build());
    assertThat(o.toString()).contains("sync=false").contains("request=");
  }
}
