package dev.jtorch.nn;

import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.GradMode;
import dev.jtorch.tensor.Tensor;

import java.util.Arrays;

/**
 * A lookup table of vectors, as {@code nn.Embedding}: weight [num_embeddings, embedding_dim] from N(0, 1);
 * the output has the indices' shape followed by embedding_dim. The {@code paddingIdx} row starts at zero
 * and gets no gradient, so it stays what it is while training.
 */
public class Embedding extends Module {
    private final int numEmbeddings, embeddingDim;
    private final Integer paddingIdx;

    public Embedding(int numEmbeddings, int embeddingDim) { this(numEmbeddings, embeddingDim, null); }

    /** @param paddingIdx a row in [-numEmbeddings, numEmbeddings) (negative counts from the end), or null */
    public Embedding(int numEmbeddings, int embeddingDim, Integer paddingIdx) {
        this(numEmbeddings, embeddingDim, paddingIdx, null);
    }

    private Embedding(int numEmbeddings, int embeddingDim, Integer paddingIdx, Tensor weight) {
        if (numEmbeddings < 0 || embeddingDim < 0) {
            throw new IllegalArgumentException("Embedding sizes must be non-negative, got num_embeddings=" + numEmbeddings + ", embedding_dim=" + embeddingDim);
        }
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.paddingIdx = normalisePaddingIdx(paddingIdx, numEmbeddings);
        if (weight == null) {
            registerParameter("weight", Tensor.empty(numEmbeddings, embeddingDim));
            resetParameters();
        } else {
            registerParameter("weight", weight);
        }
    }

    private static Integer normalisePaddingIdx(Integer paddingIdx, int numEmbeddings) {
        if (paddingIdx == null) return null;
        if (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings) {
            throw new IllegalArgumentException("Padding_idx must be within num_embeddings, got padding_idx=" + paddingIdx + " and num_embeddings=" + numEmbeddings);
        }
        return paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
    }

    /**
     * An embedding over given vectors [num_embeddings, embedding_dim], as {@code Embedding.from_pretrained}:
     * the weight is a copy, and with {@code freeze} it is not trained.
     */
    public static Embedding fromPretrained(Tensor embeddings, boolean freeze, Integer paddingIdx) {
        if (embeddings.dim() != 2) throw new IllegalArgumentException("Embeddings parameter is expected to be 2-dimensional, got " + embeddings.dim() + "-D");
        Tensor weight;
        try (var g = GradMode.noGrad()) {
            weight = embeddings.detach().clone();
        }
        Embedding e = new Embedding((int) embeddings.size(0), (int) embeddings.size(1), paddingIdx, weight);
        e.weight().requiresGrad(!freeze);
        return e;
    }

    public static Embedding fromPretrained(Tensor embeddings) { return fromPretrained(embeddings, true, null); }

    /** N(0, 1), then the padding row zeroed, as PyTorch's {@code reset_parameters}. */
    public void resetParameters() {
        Init.normal_(weight());
        if (paddingIdx != null) {
            try (var g = GradMode.noGrad()) {
                weight().select(0, paddingIdx).zero_();
            }
        }
    }

    public Tensor weight() { return param("weight"); }
    public int numEmbeddings() { return numEmbeddings; }
    public int embeddingDim() { return embeddingDim; }
    public Integer paddingIdx() { return paddingIdx; }

    /** @param indices int64 or int32 of any shape, each in [0, num_embeddings) */
    @Override public Tensor forward(Tensor indices) {
        if (indices.dtype() != DType.INT64 && indices.dtype() != DType.INT32) {
            throw new IllegalArgumentException("Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got " + indices.dtype() + " instead");
        }
        Tensor flat = indices.reshape(-1);
        checkRange(flat);
        Tensor rows = weight().indexSelect(0, flat);
        if (paddingIdx != null) {
            // the padding row's value passes through, its gradient does not
            Tensor isPadding = flat.eq((double) paddingIdx).reshape(flat.numel(), 1);
            rows = Tensor.where(isPadding, rows.detach(), rows);
        }
        long[] shape = Arrays.copyOf(indices.shape(), indices.dim() + 1);
        shape[indices.dim()] = embeddingDim;
        return rows.reshape(shape);
    }

    private void checkRange(Tensor flat) {
        if (flat.numel() == 0) return;
        long min = (long) flat.min().item(), max = (long) flat.max().item();
        long bad = min < 0 ? min : max >= numEmbeddings ? max : -1;
        if (min < 0 || max >= numEmbeddings) {
            throw new IndexOutOfBoundsException("index out of range in self: index " + bad + " is out of bounds for an Embedding with num_embeddings=" + numEmbeddings);
        }
    }

    @Override public String extraRepr() {
        String s = numEmbeddings + ", " + embeddingDim;
        if (paddingIdx != null) s += ", padding_idx=" + paddingIdx;
        return s;
    }
}
