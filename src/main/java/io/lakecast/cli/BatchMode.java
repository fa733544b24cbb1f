package io.lakecast.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.model.PinpointJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code lakecast --batch FILE} (or {@code -} for standard input): one command per line, all in this JVM and its one
 * Spark session, so a chain of commands pays for one start-up instead of one each. Each command's JSON result is
 * printed on one line; blank lines and lines starting with {@code #} are skipped. Words split as a shell splits them
 * (single quotes keep text as it is; double quotes and backslashes escape). The batch stops at the first command
 * that fails, with that command's exit code, after naming the line.
 */
final class BatchMode {
  static final String OPTION = "--batch";

  private BatchMode() {}

  /** Runs {@code args} = {@code --batch FILE [--debug]}; returns the exit code. */
  static int run(PrintWriter out, PrintWriter err, String[] args, InputStream stdin) {
    if (args.length < 2) {
      err.println("BadRequestException: --batch needs a file of commands, or - for standard input");
      return 2;
    }
    List<String> lines;
    try {
      lines = args[1].equals("-")
          ? List.of(new String(stdin.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1))
          : Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8);
    } catch (IOException e) {
      err.println("BadRequestException: Cannot read --batch file " + args[1] + ": " + e.getMessage());
      return 2;
    }
    boolean debug = List.of(args).contains(LakecastCli.DEBUG);
    int commands = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      List<String> words;
      try {
        words = words(line);
      } catch (IllegalArgumentException e) {
        err.println("BadRequestException: --batch line " + (i + 1) + ": " + e.getMessage());
        return 2;
      }
      if (debug) {
        words.add(LakecastCli.DEBUG);
      }
      StringWriter result = new StringWriter();
      int code = LakecastCli.execute(new PrintWriter(result, true), err, words.toArray(String[]::new));
      String text = result.toString().strip();
      if (!text.isEmpty()) {
        out.println(oneLine(text));
      }
      commands++;
      if (code != 0) {
        err.println("lakecast --batch: stopped at line " + (i + 1) + " (" + words.get(0) + "), exit " + code
            + ", after " + (commands - 1) + " command(s) that succeeded");
        return code;
      }
    }
    return 0;
  }

  /** A JSON result on one line; any other text as it is. */
  private static String oneLine(String text) {
    try {
      JsonNode json = PinpointJson.mapper().readTree(text);
      return PinpointJson.compact(json);
    } catch (IOException e) {
      return text;
    }
  }

  /** A line's words, split as a POSIX shell splits them (no expansion). */
  static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean inWord = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (Character.isWhitespace(c)) {
        if (inWord) {
          out.add(w.toString());
          w.setLength(0);
          inWord = false;
        }
      } else if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated ' quote at column " + (i + 1));
        }
        w.append(line, i + 1, end);
        i = end;
        inWord = true;
      } else if (c == '"') {
        int j = i + 1;
        for (; j < line.length() && line.charAt(j) != '"'; j++) {
          if (line.charAt(j) == '\\' && j + 1 < line.length() && "\"\\$`".indexOf(line.charAt(j + 1)) >= 0) {
            j++;
          }
          w.append(line.charAt(j));
        }
        if (j >= line.length()) {
          throw new IllegalArgumentException("unterminated \" quote at column " + (i + 1));
        }
        i = j;
        inWord = true;
      } else if (c == '\\' && i + 1 < line.length()) {
        w.append(line.charAt(++i));
        inWord = true;
      } else {
        w.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      out.add(w.toString());
    }
    return out;
  }
}
