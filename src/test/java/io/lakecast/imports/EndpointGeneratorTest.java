package io.lakecast.imports;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakecast.model.PinpointEnums.Format;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's endpoint generator: a re-import file holds the same endpoints in the same order, with exactly the
 * chosen positions changed (Plan "Changed", one more purchase), written as they are generated.
 */
class EndpointGeneratorTest {
  static List<String> csv(long count, int changeEvery, int... at) throws IOException {
    StringWriter w = new StringWriter();
    EndpointGenerator.write(count, 7, Format.CSV, w, changeEvery, at);
    return List.of(w.toString().split("\n"));
  }

  @Test
  void aChangedFileChangesExactlyTheChosenPositions() throws IOException {
    List<String> original = csv(40, 0);
    List<String> changed = csv(40, 10, 0, 5);
    assertThat(changed).hasSize(41).first().isEqualTo(original.get(0));
    assertThat(original.get(0)).startsWith("Id,ChannelType,Address");
    List<Integer> differing = new ArrayList<>();
    for (int i = 1; i < original.size(); i++) {
      String[] before = original.get(i).split(",", -1);
      String[] after = changed.get(i).split(",", -1);
      assertThat(after[0]).as("Id at position " + (i - 1)).isEqualTo(before[0]);
      if (!original.get(i).equals(changed.get(i))) {
        differing.add(i - 1);
        assertThat(after[13]).as("Plan").isEqualTo("Changed");
        assertThat(Long.parseLong(after[14])).as("purchases").isEqualTo(Long.parseLong(before[14]) + 1);
      }
    }
    assertThat(differing).containsExactly(0, 5, 10, 15, 20, 25, 30, 35);
  }

  @Test
  void ndjsonHoldsOneEndpointPerLine() throws IOException {
    StringWriter w = new StringWriter();
    EndpointGenerator.write(3, 7, Format.JSON, w);
    String[] lines = w.toString().split("\n");
    assertThat(lines).hasSize(3);
    for (String line : lines) {
      assertThat(line).startsWith("{").endsWith("}").contains("\"Id\"", "\"ChannelType\"");
    }
  }
}
