package dev.jtorch.bench.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.util.Map;

/**
 * ONNX Runtime (CPU, {@code com.microsoft.onnxruntime:onnxruntime} from Maven Central) as an inference-latency peer.
 * The jar carries {@code libonnxruntime.so} and its JNI glue for linux-x64; ORT extracts them to a temp dir on
 * first use, with no network access.
 *
 * <p>Threads: a session gets {@code intraOpThreads} intra-op threads (the caller plus {@code intraOpThreads - 1}
 * pool threads), sequential execution (one inter-op thread) and all graph optimizations, so that it runs the same
 * number of cores as jtorch.
 */
public final class OnnxRuntimePeer {
    private OnnxRuntimePeer() {}

    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /** The ONNX Runtime version loaded, e.g. {@code 1.29.0}. */
    public static String version() {
        return environment().getVersion();
    }

    /** A session for the serialized ONNX {@code ModelProto} in {@code model}, with {@code intraOpThreads} threads. */
    public static OrtSession session(byte[] model, int intraOpThreads) throws OrtException {
        if (intraOpThreads < 1) throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + intraOpThreads);
        OrtEnvironment env = environment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(intraOpThreads);
            opts.setInterOpNumThreads(1);
            opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return env.createSession(model, opts);
        }
    }

    /** A float32 input tensor over {@code data} (row-major) with {@code shape}; close it after the run. */
    public static OnnxTensor tensor(float[] data, long... shape) throws OrtException {
        return OnnxTensor.createTensor(environment(), FloatBuffer.wrap(data), shape);
    }

    /** Runs a single-input, single-output float model and returns the output, flattened row-major. */
    public static float[] run(OrtSession session, float[] input, long... shape) throws OrtException {
        String in = session.getInputNames().iterator().next();
        try (OnnxTensor x = tensor(input, shape); OrtSession.Result r = session.run(Map.of(in, x))) {
            OnnxTensor y = (OnnxTensor) r.get(0);
            FloatBuffer fb = y.getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        }
    }
}
