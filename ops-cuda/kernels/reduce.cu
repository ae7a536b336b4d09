// Reductions. The Java side views the source as [outN, R] in row-major order over its Strided (kept
// dimensions first, reduced ones last), so one block reduces one output element: its threads stride over R,
// then combine in shared memory. dst is contiguous. Op codes are dev.jtorch.tensor.ReduceOp ordinals.
#include "common.cuh"

#define JT_REDUCE_THREADS 256

enum { R_SUM, R_PROD, R_MAX, R_MIN };

template <typename A> __device__ __forceinline__ A jt_identity(int op) {
    switch (op) {
        case R_SUM: return (A) 0;
        case R_PROD: return (A) 1;
        case R_MAX: return jt_lowest<A>();
        default: return jt_highest<A>();
    }
}

template <typename A> __device__ __forceinline__ A jt_combine(int op, A x, A y) {
    switch (op) {
        case R_SUM: return x + y;
        case R_PROD: return x * y;
        // NaN propagates, as torch.max
        case R_MAX: return jt_isnan(x) ? x : jt_isnan(y) ? y : (x > y ? x : y);
        default: return jt_isnan(x) ? x : jt_isnan(y) ? y : (x < y ? x : y);
    }
}

template <typename T> __device__ void reduce(int op, i64 outN, i64 r, const T* src, Strided ss, T* dst) {
    typedef typename Acc<T>::type A;
    __shared__ A partial[JT_REDUCE_THREADS];
    for (i64 j = blockIdx.x; j < outN; j += gridDim.x) {
        A acc = jt_identity<A>(op);
        for (i64 k = threadIdx.x; k < r; k += blockDim.x) acc = jt_combine<A>(op, acc, (A) src[jt_offset(ss, j * r + k)]);
        partial[threadIdx.x] = acc;
        __syncthreads();
        for (int half = blockDim.x / 2; half > 0; half /= 2) {
            if (threadIdx.x < half) partial[threadIdx.x] = jt_combine<A>(op, partial[threadIdx.x], partial[threadIdx.x + half]);
            __syncthreads();
        }
        if (threadIdx.x == 0) dst[j] = jt_cast<T>(partial[0]);
        __syncthreads();
    }
}

// Whether (x, i) wins over (y, j) for max (or min with `isMin`): NaN wins, then the larger, then the first index.
template <typename A> __device__ __forceinline__ bool jt_wins(bool isMin, A x, i64 i, A y, i64 j) {
    if (j < 0) return i >= 0;
    if (i < 0) return false;
    bool xn = jt_isnan(x), yn = jt_isnan(y);
    if (xn || yn) return xn && (!yn || i < j);
    if (x == y) return i < j;
    return isMin ? x < y : x > y;
}

template <typename T> __device__ void argreduce(int op, i64 outN, i64 r, const T* src, Strided ss, T* values, i64* indices) {
    typedef typename Acc<T>::type A;
    __shared__ A best[JT_REDUCE_THREADS];
    __shared__ i64 where[JT_REDUCE_THREADS];
    bool isMin = op == R_MIN;
    for (i64 j = blockIdx.x; j < outN; j += gridDim.x) {
        A v = (A) 0;
        i64 at = -1;
        for (i64 k = threadIdx.x; k < r; k += blockDim.x) {
            A x = (A) src[jt_offset(ss, j * r + k)];
            if (jt_wins<A>(isMin, x, k, v, at)) { v = x; at = k; }
        }
        best[threadIdx.x] = v;
        where[threadIdx.x] = at;
        __syncthreads();
        for (int half = blockDim.x / 2; half > 0; half /= 2) {
            if (threadIdx.x < half && jt_wins<A>(isMin, best[threadIdx.x + half], where[threadIdx.x + half], best[threadIdx.x], where[threadIdx.x])) {
                best[threadIdx.x] = best[threadIdx.x + half];
                where[threadIdx.x] = where[threadIdx.x + half];
            }
            __syncthreads();
        }
        if (threadIdx.x == 0) {
            values[j] = jt_cast<T>(best[0]);
            indices[j] = where[0];
        }
        __syncthreads();
    }
}

__device__ __forceinline__ float jt_exp(float x) { return expf(x); }
__device__ __forceinline__ double jt_exp(double x) { return exp(x); }
__device__ __forceinline__ float jt_log(float x) { return logf(x); }
__device__ __forceinline__ double jt_log(double x) { return log(x); }

template <typename T> __device__ T jt_block_combine(int op, T x, T* scratch) {
    scratch[threadIdx.x] = x;
    __syncthreads();
    for (int half = blockDim.x / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) scratch[threadIdx.x] = jt_combine<T>(op, scratch[threadIdx.x], scratch[threadIdx.x + half]);
        __syncthreads();
    }
    T all = scratch[0];
    __syncthreads();
    return all;
}

// Softmax of contiguous src viewed as [outer, d, inner] along the middle dimension; one block per (outer, inner) row.
template <typename T> __device__ void softmax(i64 rows, i64 d, i64 inner, const T* src, T* dst, int logSoftmax) {
    __shared__ T scratch[JT_REDUCE_THREADS];
    for (i64 row = blockIdx.x; row < rows; row += gridDim.x) {
        i64 base = (row / inner) * d * inner + row % inner;
        T max = jt_lowest<T>();
        for (i64 k = threadIdx.x; k < d; k += blockDim.x) max = jt_combine<T>(R_MAX, max, src[base + k * inner]);
        max = jt_block_combine<T>(R_MAX, max, scratch);
        T sum = 0;
        for (i64 k = threadIdx.x; k < d; k += blockDim.x) sum += jt_exp(src[base + k * inner] - max);
        sum = jt_block_combine<T>(R_SUM, sum, scratch);
        if (logSoftmax) {
            T shift = max + jt_log(sum);
            for (i64 k = threadIdx.x; k < d; k += blockDim.x) dst[base + k * inner] = src[base + k * inner] - shift;
        } else {
            for (i64 k = threadIdx.x; k < d; k += blockDim.x) dst[base + k * inner] = jt_exp(src[base + k * inner] - max) / sum;
        }
    }
}

#define JT_REDUCE(S, T) \
    extern "C" __global__ void reduce_##S(int op, i64 outN, i64 r, const T* src, Strided ss, T* dst) { reduce<T>(op, outN, r, src, ss, dst); } \
    extern "C" __global__ void argreduce_##S(int op, i64 outN, i64 r, const T* src, Strided ss, T* values, i64* indices) { argreduce<T>(op, outN, r, src, ss, values, indices); }
JT_ALL_TYPES(JT_REDUCE)

#define JT_SOFTMAX(S, T) \
    extern "C" __global__ void softmax_##S(i64 rows, i64 d, i64 inner, const T* src, T* dst, int logSoftmax) { softmax<T>(rows, d, inner, src, dst, logSoftmax); }
JT_FLOAT_TYPES(JT_SOFTMAX)
