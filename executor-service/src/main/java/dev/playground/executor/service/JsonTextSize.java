package dev.playground.executor.service;

/**
 * How many bytes a text takes as a JSON string in UTF-8, as Jackson writes it: control characters as
 * <code>&#92;u00XX</code> (six bytes; newline, tab and carriage return as two), quote and backslash escaped (two), characters outside the BMP as two escaped halves (twelve bytes), other characters as their UTF-8 (a replacement
 * character for an invalid byte: three).
 */
final class JsonTextSize {

    private JsonTextSize() {
    }

    static long of(CharSequence text) {
        long size = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20) {
                size += c == '\n' || c == '\t' || c == '\r' || c == '\b' || c == '\f' ? 2 : 6;
            } else if (c == '"' || c == '\\') {
                size += 2;
            } else if (c < 0x80) {
                size += 1;
            } else if (c < 0x800) {
                size += 2;
            } else if (Character.isSurrogate(c)) {
                size += 6; // Jackson escapes each half of a pair (an emoji is twelve bytes)
            } else {
                size += 3;
            }
        }
        return size;
    }
}
