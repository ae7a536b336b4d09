// The fused recurrent cells and their gradients, the CPU's RecurrentKernels equations: one thread per (batch row,
// hidden unit) reads that unit's gate pre-activations once and writes the new state, where the composed form
// runs about ten kernels with a temporary tensor each. Every operand is contiguous; the Java side checks.
#include "common.cuh"

__device__ __forceinline__ float jt_sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }
__device__ __forceinline__ double jt_sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }
__device__ __forceinline__ float jt_tanh(float x) { return tanhf(x); }
__device__ __forceinline__ double jt_tanh(double x) { return tanh(x); }

// The four LSTM gates of one unit from the two halves of their pre-activations, gate k at g0 + k * hidden.
template <typename T> __device__ __forceinline__ void lstm_gates(const T* ig, const T* hg, i64 g0, i64 hidden, T& i, T& f, T& g, T& o) {
    i = jt_sigmoid(ig[g0] + hg[g0]);
    f = jt_sigmoid(ig[g0 + hidden] + hg[g0 + hidden]);
    g = jt_tanh(ig[g0 + 2 * hidden] + hg[g0 + 2 * hidden]);
    o = jt_sigmoid(ig[g0 + 3 * hidden] + hg[g0 + 3 * hidden]);
}

// ig, hg [B, 4H] (gate order i, f, g, o), c [B, H]; out [2, B, H]: h' then c'.
template <typename T> __device__ void lstm_cell(i64 batch, i64 hidden, const T* ig, const T* hg, const T* c, T* out) {
    JT_FOR_EACH(e, batch * hidden) {
        i64 b = e / hidden, j = e % hidden, g0 = b * 4 * hidden + j;
        T i, f, g, o;
        lstm_gates(ig, hg, g0, hidden, i, f, g, o);
        T cn = f * c[e] + i * g;
        out[batch * hidden + e] = cn;
        out[e] = o * jt_tanh(cn);
    }
}

// gradOut [2, B, H] for h' and c'; writes gradGates [B, 4H] (both gate inputs' gradient) and gradC [B, H].
template <typename T> __device__ void lstm_cell_backward(i64 batch, i64 hidden, const T* ig, const T* hg, const T* c, const T* gradOut,
                                                         T* gradGates, T* gradC) {
    JT_FOR_EACH(e, batch * hidden) {
        i64 b = e / hidden, j = e % hidden, g0 = b * 4 * hidden + j;
        T i, f, g, o;
        lstm_gates(ig, hg, g0, hidden, i, f, g, o);
        T cPrev = c[e], tanhC = jt_tanh(f * cPrev + i * g);
        T gh = gradOut[e], gc = gradOut[batch * hidden + e] + gh * o * (1 - tanhC * tanhC);
        gradGates[g0] = gc * g * i * (1 - i);
        gradGates[g0 + hidden] = gc * cPrev * f * (1 - f);
        gradGates[g0 + 2 * hidden] = gc * i * (1 - g * g);
        gradGates[g0 + 3 * hidden] = gh * tanhC * o * (1 - o);
        gradC[e] = gc * f;
    }
}

// gi, gh [B, 3H] (gate order r, z, n), h [B, H]; out h' [B, H] = n + z * (h - n).
template <typename T> __device__ void gru_cell(i64 batch, i64 hidden, const T* gi, const T* gh, const T* h, T* out) {
    JT_FOR_EACH(e, batch * hidden) {
        i64 b = e / hidden, j = e % hidden, g0 = b * 3 * hidden + j;
        T r = jt_sigmoid(gi[g0] + gh[g0]);
        T z = jt_sigmoid(gi[g0 + hidden] + gh[g0 + hidden]);
        T n = jt_tanh(gi[g0 + 2 * hidden] + r * gh[g0 + 2 * hidden]);
        out[e] = n + z * (h[e] - n);
    }
}

template <typename T> __device__ void gru_cell_backward(i64 batch, i64 hidden, const T* gi, const T* gh, const T* h, const T* gradOut,
                                                        T* gradGi, T* gradGh, T* gradH) {
    JT_FOR_EACH(e, batch * hidden) {
        i64 b = e / hidden, j = e % hidden, g0 = b * 3 * hidden + j;
        T r = jt_sigmoid(gi[g0] + gh[g0]);
        T z = jt_sigmoid(gi[g0 + hidden] + gh[g0 + hidden]);
        T hiddenN = gh[g0 + 2 * hidden];
        T n = jt_tanh(gi[g0 + 2 * hidden] + r * hiddenN);
        T g = gradOut[e];
        T gradN = g * (1 - z) * (1 - n * n);
        T gradZ = g * (h[e] - n) * z * (1 - z);
        T gradR = gradN * hiddenN * r * (1 - r);
        gradGi[g0] = gradR; gradGi[g0 + hidden] = gradZ; gradGi[g0 + 2 * hidden] = gradN;
        gradGh[g0] = gradR; gradGh[g0 + hidden] = gradZ; gradGh[g0 + 2 * hidden] = gradN * r;
        gradH[e] = g * z;
    }
}

#define JT_RECURRENT(S, T) \
    extern "C" __global__ void lstm_cell_##S(i64 batch, i64 hidden, const T* ig, const T* hg, const T* c, T* out) { lstm_cell<T>(batch, hidden, ig, hg, c, out); } \
    extern "C" __global__ void lstm_cell_backward_##S(i64 batch, i64 hidden, const T* ig, const T* hg, const T* c, const T* gradOut, T* gradGates, T* gradC) { \
        lstm_cell_backward<T>(batch, hidden, ig, hg, c, gradOut, gradGates, gradC); } \
    extern "C" __global__ void gru_cell_##S(i64 batch, i64 hidden, const T* gi, const T* gh, const T* h, T* out) { gru_cell<T>(batch, hidden, gi, gh, h, out); } \
    extern "C" __global__ void gru_cell_backward_##S(i64 batch, i64 hidden, const T* gi, const T* gh, const T* h, const T* gradOut, T* gradGi, T* gradGh, T* gradH) { \
        gru_cell_backward<T>(batch, hidden, gi, gh, h, gradOut, gradGi, gradGh, gradH); }
JT_FLOAT_TYPES(JT_RECURRENT)
