// Batched matrix products of integer dtypes, which cuBLAS does not cover: one thread per output element.
// Float dtypes go to cuBLAS (CublasMatmul.java). Strides are in elements and may be anything, 0 included.
#include "common.cuh"

template <typename T> __device__ void matmul(MatmulShape s, const T* a, const T* b, T* out) {
    JT_FOR_EACH(i, s.batch * s.m * s.n) {
        i64 col = i % s.n, row = (i / s.n) % s.m, batch = i / (s.n * s.m);
        const T* ar = a + batch * s.aBatch + row * s.aRow;
        const T* bc = b + batch * s.bBatch + col * s.bCol;
        i64 sum = 0;
        for (i64 p = 0; p < s.k; ++p) sum += (i64) ar[p * s.aCol] * (i64) bc[p * s.bRow];
        out[i] = (T) sum;
    }
}

#define JT_MATMUL(S, T) \
    extern "C" __global__ void matmul_##S(MatmulShape s, const T* a, const T* b, T* out) { matmul<T>(s, a, b, out); }
JT_MATMUL(i64, i64)
JT_MATMUL(i32, int)
