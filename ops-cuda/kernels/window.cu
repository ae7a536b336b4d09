// Sliding windows over contiguous NCHW tensors: im2col and its adjoint col2im, max and average pooling
// with their gradients. The geometry follows dev.jtorch.tensor.Window2d and the CPU's PoolingKernels.
#include "common.cuh"

// columns [N, C*kH*kW, outH*outW]; one thread per column element, zero outside the input.
template <typename T> __device__ void im2col(Window w, const T* input, T* columns) {
    i64 pixels = w.outH * w.outW, patch = w.c * w.kH * w.kW;
    JT_FOR_EACH(i, w.n * patch * pixels) {
        i64 p = i % pixels, row = (i / pixels) % patch, n = i / (pixels * patch);
        i64 oh = p / w.outW, ow = p % w.outW;
        i64 kw = row % w.kW, kh = (row / w.kW) % w.kH, c = row / (w.kW * w.kH);
        i64 h = oh * w.sH - w.pH + kh * w.dH, x = ow * w.sW - w.pW + kw * w.dW;
        columns[i] = h >= 0 && h < w.h && x >= 0 && x < w.w ? input[((n * w.c + c) * w.h + h) * w.w + x] : (T) 0;
    }
}

// dst (NCHW) += the sum of the column entries that im2col read from each input element; one thread per
// input element, so no atomics.
template <typename T> __device__ void col2im(Window w, const T* columns, T* dst) {
    i64 pixels = w.outH * w.outW, patch = w.c * w.kH * w.kW;
    JT_FOR_EACH(i, w.n * w.c * w.h * w.w) {
        i64 x = i % w.w, h = (i / w.w) % w.h, c = (i / (w.w * w.h)) % w.c, n = i / (w.w * w.h * w.c);
        T sum = 0;
        for (int kh = 0; kh < w.kH; ++kh) {
            i64 hs = h + w.pH - kh * w.dH;
            if (hs < 0 || hs % w.sH != 0) continue;
            i64 oh = hs / w.sH;
            if (oh >= w.outH) continue;
            for (int kw = 0; kw < w.kW; ++kw) {
                i64 ws = x + w.pW - kw * w.dW;
                if (ws < 0 || ws % w.sW != 0) continue;
                i64 ow = ws / w.sW;
                if (ow >= w.outW) continue;
                i64 row = (c * w.kH + kh) * w.kW + kw;
                sum += columns[(n * patch + row) * pixels + oh * w.outW + ow];
            }
        }
        dst[i] += sum;
    }
}

// One thread per output; the index is the flat position h*W+w of the maximum within its input plane, NaN winning.
template <typename T> __device__ void max_pool2d(Window w, const T* input, T* out, i64* indices) {
    JT_FOR_EACH(i, w.n * w.c * w.outH * w.outW) {
        i64 ow = i % w.outW, oh = (i / w.outW) % w.outH, plane = i / (w.outW * w.outH);
        i64 h0 = oh * w.sH - w.pH, h1 = h0 + (i64) (w.kH - 1) * w.dH + 1;
        i64 w0 = ow * w.sW - w.pW, w1 = w0 + (i64) (w.kW - 1) * w.dW + 1;
        if (h1 > w.h) h1 = w.h;
        if (w1 > w.w) w1 = w.w;
        while (h0 < 0) h0 += w.dH;
        while (w0 < 0) w0 += w.dW;
        const T* in = input + plane * w.h * w.w;
        i64 best = h0 * w.w + w0;
        T max = jt_lowest<typename Acc<T>::type>();
        for (i64 h = h0; h < h1; h += w.dH) {
            for (i64 x = w0; x < w1; x += w.dW) {
                T v = in[h * w.w + x];
                if (v > max || jt_isnan(v)) { max = v; best = h * w.w + x; }
            }
        }
        out[i] = max;
        indices[i] = best;
    }
}

template <typename T> __device__ void max_pool2d_backward(i64 n, i64 outPlane, i64 inPlane, const T* gradOut, const i64* indices, T* gradIn) {
    JT_FOR_EACH(i, n) jt_atomic_add(gradIn + (i / outPlane) * inPlane + indices[i], gradOut[i]);
}

// An average window clipped to the input, and its divisor, as PyTorch's avg_pool2d.
struct AvgWindow { i64 h0, h1, w0, w1, divisor; };

__device__ __forceinline__ AvgWindow jt_avg_window(const Window& w, i64 oh, i64 ow) {
    AvgWindow a;
    a.h0 = oh * w.sH - w.pH; a.w0 = ow * w.sW - w.pW;
    a.h1 = a.h0 + w.kH; a.w1 = a.w0 + w.kW;
    if (a.h1 > w.h + w.pH) a.h1 = w.h + w.pH;
    if (a.w1 > w.w + w.pW) a.w1 = w.w + w.pW;
    i64 padded = (a.h1 - a.h0) * (a.w1 - a.w0);
    if (a.h0 < 0) a.h0 = 0;
    if (a.w0 < 0) a.w0 = 0;
    if (a.h1 > w.h) a.h1 = w.h;
    if (a.w1 > w.w) a.w1 = w.w;
    i64 inside = (a.h1 > a.h0 ? a.h1 - a.h0 : 0) * (a.w1 > a.w0 ? a.w1 - a.w0 : 0);
    a.divisor = w.countIncludePad ? padded : inside;
    return a;
}

template <typename T> __device__ void avg_pool2d(Window w, const T* input, T* out) {
    JT_FOR_EACH(i, w.n * w.c * w.outH * w.outW) {
        i64 ow = i % w.outW, oh = (i / w.outW) % w.outH, plane = i / (w.outW * w.outH);
        AvgWindow a = jt_avg_window(w, oh, ow);
        const T* in = input + plane * w.h * w.w;
        T sum = 0;
        for (i64 h = a.h0; h < a.h1; ++h)
            for (i64 x = a.w0; x < a.w1; ++x) sum += in[h * w.w + x];
        out[i] = a.h0 >= a.h1 || a.w0 >= a.w1 ? (T) 0 : sum / (T) a.divisor;
    }
}

// One thread per gradOut element spreads its share over the window; overlapping windows add atomically.
template <typename T> __device__ void avg_pool2d_backward(Window w, const T* gradOut, T* gradIn) {
    JT_FOR_EACH(i, w.n * w.c * w.outH * w.outW) {
        i64 ow = i % w.outW, oh = (i / w.outW) % w.outH, plane = i / (w.outW * w.outH);
        AvgWindow a = jt_avg_window(w, oh, ow);
        if (a.h0 >= a.h1 || a.w0 >= a.w1) continue;
        T share = gradOut[i] / (T) a.divisor;
        T* in = gradIn + plane * w.h * w.w;
        for (i64 h = a.h0; h < a.h1; ++h)
            for (i64 x = a.w0; x < a.w1; ++x) jt_atomic_add(in + h * w.w + x, share);
    }
}

#define JT_WINDOW(S, T) \
    extern "C" __global__ void im2col_##S(Window w, const T* input, T* columns) { im2col<T>(w, input, columns); } \
    extern "C" __global__ void col2im_##S(Window w, const T* columns, T* dst) { col2im<T>(w, columns, dst); } \
    extern "C" __global__ void max_pool2d_##S(Window w, const T* input, T* out, i64* indices) { max_pool2d<T>(w, input, out, indices); } \
    extern "C" __global__ void max_pool2d_backward_##S(i64 n, i64 outPlane, i64 inPlane, const T* gradOut, const i64* indices, T* gradIn) { max_pool2d_backward<T>(n, outPlane, inPlane, gradOut, indices, gradIn); } \
    extern "C" __global__ void avg_pool2d_##S(Window w, const T* input, T* out) { avg_pool2d<T>(w, input, out); } \
    extern "C" __global__ void avg_pool2d_backward_##S(Window w, const T* gradOut, T* gradIn) { avg_pool2d_backward<T>(w, gradOut, gradIn); }
JT_FLOAT_TYPES(JT_WINDOW)
