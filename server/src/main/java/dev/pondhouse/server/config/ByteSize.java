package dev.pondhouse.server.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes such as {@code 512MB}, {@code 4GiB} or {@code 1048576} (bytes). */
public final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([KMGT]I?B|B)?\\s*");

    private ByteSize() {}

    public static long parse(String key, String text) {
        Matcher matcher = SIZE.matcher(text.toUpperCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException(key + ": '" + text + "' is not a size (examples: 512MB, 4GB, 1GiB)");
        }
        double number = Double.parseDouble(matcher.group(1));
        String unit = matcher.group(2) == null ? "B" : matcher.group(2);
        long multiplier = switch (unit) {
            case "B" -> 1L;
            case "KB" -> 1000L;
            case "KIB" -> 1L << 10;
            case "MB" -> 1000L * 1000;
            case "MIB" -> 1L << 20;
            case "GB" -> 1000L * 1000 * 1000;
            case "GIB" -> 1L << 30;
            case "TB" -> 1000L * 1000 * 1000 * 1000;
            case "TIB" -> 1L << 40;
            default -> throw new IllegalArgumentException(key + ": unknown unit in '" + text + "'");
        };
        return (long) (number * multiplier);
    }
}
