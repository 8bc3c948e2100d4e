package org.level4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Jackson is an optional dependency of level4j-core: a program without it on its class path
 * uses every other codec, and a JSON codec tells it what is missing. Run in a child JVM whose
 * class path holds level4j-core's classes and this test's, and no Jackson.
 */
class WithoutJacksonTest {
  @Test
  void otherCodecsWorkAndJsonSaysWhatIsMissing() throws Exception {
    String classPath = location(Codecs.class) + File.pathSeparator + location(Main.class);
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", classPath, Main.class.getName())
        .redirectErrorStream(true)
        .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the child ended").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(out).contains("utf8 ok", "jackson absent",
        "json: LEVEL_NOT_SUPPORTED LEVEL_NOT_SUPPORTED: JSON codecs need Jackson: add "
            + "com.fasterxml.jackson.core:jackson-databind");
    assertThat(p.exitValue()).as(out).isZero();
  }

  private static String location(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  /** The child: no Jackson on its class path (checked, so the test cannot pass by accident). */
  public static final class Main {
    public static void main(String[] args) {
      try {
        Class.forName("com.fasterxml.jackson.databind.ObjectMapper");
        System.out.println("jackson present: the test's class path is wrong");
        System.exit(2);
      } catch (ClassNotFoundException expected) {
        System.out.println("jackson absent");
      }
      byte[] b = Codecs.UTF8.encode("é");
      System.out.println(Codecs.UTF8.decode(b).equals("é") ? "utf8 ok" : "utf8 wrong");
      try (Database db = MemoryLevel.open()) {
        db.put("k", "v");
        System.out.println(List.of(db.get("k")).equals(List.of("v")) ? "memory ok" : "wrong");
      }
      try {
        Codecs.JSON.encode(List.of(1));
        System.out.println("json: no error");
        System.exit(3);
      } catch (LevelException e) {
        System.out.println("json: " + e.code() + " " + e.getMessage());
      }
    }
  }
}
