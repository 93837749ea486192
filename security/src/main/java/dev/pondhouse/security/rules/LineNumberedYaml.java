package dev.pondhouse.security.rules;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one YAML document into nodes that remember the line they start on, so that every later message
 * can name a line. Jackson's streaming parser supplies the tokens and their locations; this class adds
 * what a tree mapper would lose or allow: a key given twice in one mapping is an error (YAML says so,
 * most readers keep the last one), aliases ({@code *name}) are refused, and a second document is refused.
 *
 * <p>Shared by the server's other strict YAML files (pipeline definitions): their problems come as a
 * {@link RuleFileException} naming the source and line, which they report in their own terms.
 */
public final class LineNumberedYaml {
    /** An unquoted empty value is nothing (null), and only true and false are booleans (not yes, no, on, off). */
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
            .build();

    private final String source;
    private final YAMLParser parser;

    private LineNumberedYaml(String source, YAMLParser parser) {
        this.source = source;
        this.parser = parser;
    }

    /** A node of the document; {@link #line()} is 1-based. */
    public sealed interface Node permits Mapping, Sequence, Scalar {
        int line();

        /** What this node is, in the words of an error message: "a mapping", "a list", "a number", ... */
        String description();
    }

    /** A mapping, its entries in file order; keys are unique. */
    public record Mapping(int line, List<Entry> entries) implements Node {
        public Mapping {
            entries = List.copyOf(entries);
        }

        @Override
        public String description() {
            return "a mapping";
        }
    }

    /** One {@code key: value} of a mapping; {@code line} is the key's line. */
    public record Entry(String key, int line, Node value) {}

    public record Sequence(int line, List<Node> items) implements Node {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String description() {
            return "a list";
        }
    }

    /** A scalar as YAML typed it; {@code text} is the text as written (for null, the empty string). */
    public record Scalar(int line, ScalarKind kind, String text) implements Node {
        @Override
        public String description() {
            return kind.description;
        }
    }

    public enum ScalarKind {
        TEXT("a text"),
        NUMBER("a number"),
        BOOLEAN("true or false"),
        NULL("nothing");

        private final String description;

        ScalarKind(String description) {
            this.description = description;
        }
    }

    /**
     * Reads {@code text}, one YAML document.
     *
     * @return the root node, or a null scalar on line 1 when the text holds no document at all
     * @throws RuleFileException for text that is not YAML, a duplicate key, an alias or a second document
     */
    public static Node read(String text, String source) throws RuleFileException {
        requireNonNull(text, "text is null");
        requireNonNull(source, "source is null");
        try (YAMLParser parser = FACTORY.createParser(text)) {
            LineNumberedYaml reader = new LineNumberedYaml(source, parser);
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new Scalar(1, ScalarKind.NULL, "");
            }
            Node root = reader.readValue(first);
            if (parser.nextToken() != null) {
                throw reader.error(lineOf(parser.currentTokenLocation()),
                        "a second YAML document; the file holds exactly one");
            }
            return root;
        } catch (StreamReadException notYaml) {
            throw new RuleFileException(source, lineOf(notYaml.getLocation()), notYamlMessage(notYaml));
        } catch (IOException unexpected) {
            // The text is in memory: nothing here does I/O.
            throw new IllegalStateException("reading YAML from a string failed", unexpected);
        }
    }

    private Node readValue(JsonToken token) throws IOException, RuleFileException {
        int line = lineOf(parser.currentTokenLocation());
        if (parser.isCurrentAlias()) {
            throw error(line, "'*" + parser.getText() + "' is a YAML alias, which these files do not use; "
                    + "a pattern or name that starts with * must be in quotes, like \"*.*\"");
        }
        return switch (token) {
            case START_OBJECT -> readMapping(line);
            case START_ARRAY -> readSequence(line);
            case VALUE_STRING -> new Scalar(line, ScalarKind.TEXT, parser.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new Scalar(line, ScalarKind.NUMBER, parser.getText());
            case VALUE_TRUE, VALUE_FALSE -> new Scalar(line, ScalarKind.BOOLEAN, parser.getText());
            case VALUE_NULL -> new Scalar(line, ScalarKind.NULL, "");
            default -> throw error(line, "unexpected YAML content (" + token + ")");
        };
    }

    private Mapping readMapping(int line) throws IOException, RuleFileException {
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> keyLines = new HashMap<>();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
            // Jackson reports every mapping key as a field name, whatever its YAML type.
            String key = parser.currentName();
            int keyLine = lineOf(parser.currentTokenLocation());
            Integer earlier = keyLines.putIfAbsent(key, keyLine);
            if (earlier != null) {
                throw error(keyLine, "key '" + key + "' appears a second time in the same mapping (first at line "
                        + earlier + ")");
            }
            Node value = readValue(parser.nextToken());
            entries.add(new Entry(key, keyLine, value));
        }
        return new Mapping(line, entries);
    }

    private Sequence readSequence(int line) throws IOException, RuleFileException {
        List<Node> items = new ArrayList<>();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            items.add(readValue(token));
        }
        return new Sequence(line, items);
    }

    private RuleFileException error(int line, String message) {
        return new RuleFileException(source, line, message);
    }

    private static int lineOf(JsonLocation location) {
        return location == null ? 0 : Math.max(location.getLineNr(), 0);
    }

    /** The parser's reason, without the excerpt and location it appends (the line is reported separately). */
    private static String notYamlMessage(StreamReadException notYaml) {
        String reason = notYaml.getOriginalMessage();
        int excerpt = reason.indexOf(" in 'reader'");
        if (excerpt >= 0) {
            reason = reason.substring(0, excerpt);
        }
        reason = reason.strip().replaceAll("\\s+", " ");
        String hint = reason.contains("alias")
                ? "; a pattern or name that starts with * must be in quotes, like \"*.*\""
                : "";
        return "not valid YAML: " + reason + hint;
    }
}
