package dev.playground.executor.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FrameDecoderTest {

    private final List<String> frames = new ArrayList<>();
    private final FrameDecoder decoder = new FrameDecoder((type, payload) -> frames.add(type.code() + ":"
            + new String(payload, StandardCharsets.UTF_8)));

    @Test
    void framesArriveWholeHoweverDockerCutsTheStream() {
        byte[] stream = concat(SupervisorFrame.RUN_STDOUT.encode("hello "), SupervisorFrame.RUN_STDOUT.encode("world"),
                SupervisorFrame.WAITING_FOR_INPUT.encode(), SupervisorFrame.RUN_STDERR.encode("oops"));
        for (byte b : stream) {
            decoder.accept(new byte[] {b});
        }
        assertEquals(List.of("o:hello ", "o:world", "w:", "e:oops"), frames);
    }

    @Test
    void aFrameAnnouncingMoreThanTheMaximumIsRefusedBeforeAnyOfItIsHeld() {
        byte[] header = ByteBuffer.allocate(5).put((byte) 'o').putInt(2_000_000_000).array();
        var e = assertThrows(SupervisorProtocolException.class, () -> decoder.accept(header));
        assertTrue(e.getMessage().contains("2000000000"), e.getMessage());
        assertThrows(SupervisorProtocolException.class, () -> new FrameDecoder((t, p) -> { })
                .accept(ByteBuffer.allocate(5).put((byte) 'o').putInt(-1).array()));
    }

    @Test
    void onlyFramesASupervisorSendsAreTaken() {
        assertThrows(SupervisorProtocolException.class, () -> decoder.accept(SupervisorFrame.CANCEL.encode()));
        assertThrows(SupervisorProtocolException.class, () -> decoder.accept(new byte[] {'Q', 0, 0, 0, 0}));
    }

    @Test
    @Timeout(60) // a guard against a hang, not a speed target: linear decoding takes milliseconds here
    void aLargestFrameInTinyPiecesIsDecodedWithoutRecopyingWhatIsHeld() {
        // 1 MiB in 16-byte pieces: a decoder that re-copied what it holds on every piece would copy ~34 GB.
        byte[] frame = SupervisorFrame.RUN_STDOUT.encode(new byte[SupervisorFrame.MAX_PAYLOAD]);
        int[] sizes = {0};
        FrameDecoder counting = new FrameDecoder((t, p) -> sizes[0] = p.length);
        for (int off = 0; off < frame.length; off += 16) {
            byte[] piece = new byte[Math.min(16, frame.length - off)];
            System.arraycopy(frame, off, piece, 0, piece.length);
            counting.accept(piece);
        }
        assertEquals(SupervisorFrame.MAX_PAYLOAD, sizes[0]);
    }

    @Test
    void aStepReportReadsAsTyped() {
        StepReport r = StepReport.parse("exit=137\nsignal=SIGKILL\nwall=12\ncpu=3\nrss=2048\noom=1\nreason=cpu\noutTrunc=0\nerrTrunc=1\n"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(137, r.exitCode());
        assertEquals("SIGKILL", r.signal());
        assertEquals(StepReport.Stop.CPU, r.stop());
        assertTrue(r.oomKilled() && r.stderrTruncated() && !r.succeeded());
        assertThrows(SupervisorProtocolException.class, () -> StepReport.parse("wall=lots\n".getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] concat(byte[]... parts) {
        var out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
