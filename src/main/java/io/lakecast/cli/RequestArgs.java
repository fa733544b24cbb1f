package io.lakecast.cli;

import io.lakecast.LakecastErrors;
import io.lakecast.model.PinpointJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Request options as the AWS CLI takes them: inline JSON, or {@code file://path} to a JSON file. */
final class RequestArgs {
  private RequestArgs() {}

  /** Reads and parses the option's JSON as {@code type} (Pinpoint shape {@code shape}). */
  static <T> T parse(String option, String value, Class<T> type, String shape) {
    return PinpointJson.parse(text(option, value), type, shape, source(option, value));
  }

  /** Where the option's JSON comes from, for messages: the file, or the option. */
  static String source(String option, String value) {
    return value != null && value.startsWith("file://") ? value.substring("file://".length()) : option;
  }

  /** The option's JSON text: inline, or read from {@code file://path}. */
  static String text(String option, String value) {
    if (value == null) {
      throw LakecastErrors.invalidOption(option, "", "inline JSON or file://path");
    }
    String json = value;
    if (value.startsWith("file://")) {
      String file = value.substring("file://".length());
      try {
        json = Files.readString(Path.of(file), StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw LakecastErrors.cannotReadArgument(option, value, "no such file");
      } catch (IOException e) {
        throw LakecastErrors.cannotReadArgument(option, value, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
    return json;
  }
}
