package dev.playground.executor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTextSizeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theSizeIsWhatJacksonWrites() throws Exception {
        String[] texts = {
            "", "hello\n", "tab\tcr\rquote\"backslash\\", "\u0001\u0000\u001b[31mred\u001b[0m\u007f",
            "naïve café", "日本語のテキスト", "emoji \uD83D\uDE00 and more", "\b\f",
            new String(new byte[] {(byte) 0xff, 'a', (byte) 0xc3}, StandardCharsets.UTF_8), // replacement characters
        };
        for (String text : texts) {
            int written = JSON.writeValueAsBytes(text).length - 2; // without the quotes
            assertEquals(written, JsonTextSize.of(text), "size of " + JSON.writeValueAsString(text));
        }
    }
}
