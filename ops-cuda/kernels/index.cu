// Indexing: index_select, index_add, gather, scatter, and the order-keeping compaction behind nonzero.
// Index tensors are int64 with values the Java side already checked to be in range.
#include "common.cuh"

// The coordinate along `dim` of element i of `shape` in row-major order.
__device__ __forceinline__ i64 jt_coordinate(const Strided& shape, i64 i, int dim) {
    for (int d = shape.ndim - 1; d > dim; --d) i /= shape.sizes[d];
    return i % shape.sizes[dim];
}

// dst = src.index_select(dim, index): walk dst; src's coordinate along dim is index[dst's].
template <typename T> __device__ void index_select(i64 n, const T* src, Strided ss, T* dst, Strided sd, const i64* index, i64 indexStride, int dim) {
    JT_FOR_EACH(i, n) {
        i64 pick = index[jt_coordinate(sd, i, dim) * indexStride];
        i64 d, s;
        jt_offsets_replacing(sd, ss, i, dim, pick, d, s);
        dst[d] = src[s];
    }
}

// dst.narrow(dim, index[k], 1) += src.narrow(dim, k, 1): walk src; repeated indices add atomically.
template <typename T> __device__ void index_add(i64 n, T* dst, Strided sd, const T* src, Strided ss, const i64* index, i64 indexStride, int dim) {
    JT_FOR_EACH(i, n) {
        i64 pick = index[jt_coordinate(ss, i, dim) * indexStride];
        i64 s, d;
        jt_offsets_replacing(ss, sd, i, dim, pick, s, d);
        jt_atomic_add(dst + d, src[s]);
    }
}

// dst[..j..] = src[..index[..j..]..] along dim: walk the index (dst has its shape).
template <typename T> __device__ void gather(i64 n, const T* src, Strided ss, T* dst, Strided sd, const i64* index, Strided si, int dim) {
    JT_FOR_EACH(i, n) {
        i64 at, s;
        i64 pick = index[jt_offset(si, i)];
        jt_offsets_replacing(sd, ss, i, dim, pick, at, s);
        dst[at] = src[s];
    }
}

// dst[..index[..j..]..] = (or +=) src[..j..] along dim: walk the index; src is read at the index's coordinates.
template <typename T> __device__ void scatter(i64 n, T* dst, Strided sd, const T* src, Strided ss, const i64* index, Strided si, int dim, int accumulate) {
    JT_FOR_EACH(i, n) {
        i64 s, d;
        i64 pick = index[jt_offset(si, i)];
        jt_offsets_replacing(ss, sd, i, dim, pick, s, d);
        if (accumulate) jt_atomic_add(dst + d, src[s]);
        else dst[d] = src[s];
    }
}

#define JT_INDEX(S, T) \
    extern "C" __global__ void index_select_##S(i64 n, const T* src, Strided ss, T* dst, Strided sd, const i64* index, i64 indexStride, int dim) { index_select<T>(n, src, ss, dst, sd, index, indexStride, dim); } \
    extern "C" __global__ void index_add_##S(i64 n, T* dst, Strided sd, const T* src, Strided ss, const i64* index, i64 indexStride, int dim) { index_add<T>(n, dst, sd, src, ss, index, indexStride, dim); } \
    extern "C" __global__ void gather_##S(i64 n, const T* src, Strided ss, T* dst, Strided sd, const i64* index, Strided si, int dim) { gather<T>(n, src, ss, dst, sd, index, si, dim); } \
    extern "C" __global__ void scatter_##S(i64 n, T* dst, Strided sd, const T* src, Strided ss, const i64* index, Strided si, int dim, int accumulate) { scatter<T>(n, dst, sd, src, ss, index, si, dim, accumulate); }
JT_ALL_TYPES(JT_INDEX)

// ---- nonzero: count per block, scan the counts, then each block writes its positions in order ----

#define JT_NONZERO_THREADS 256   // one element per thread; NonzeroKernels.java launches exactly this many

extern "C" __global__ void nonzero_count(i64 n, const bool8* mask, i64* counts) {
    i64 i = (i64) blockIdx.x * JT_NONZERO_THREADS + threadIdx.x;
    int count = __syncthreads_count(i < n && mask[i] != 0);
    if (threadIdx.x == 0) counts[blockIdx.x] = count;
}

// offsets[b] = counts[0] + ... + counts[b-1], and offsets[m] = the total; one block of JT_NONZERO_THREADS.
extern "C" __global__ void nonzero_scan(i64 m, const i64* counts, i64* offsets) {
    __shared__ i64 chunk[JT_NONZERO_THREADS];
    i64 carry = 0;
    for (i64 start = 0; start < m; start += JT_NONZERO_THREADS) {
        i64 k = start + threadIdx.x;
        i64 own = k < m ? counts[k] : 0;
        chunk[threadIdx.x] = own;
        __syncthreads();
        // Hillis-Steele inclusive scan of the chunk
        for (int step = 1; step < JT_NONZERO_THREADS; step *= 2) {
            i64 add = threadIdx.x >= step ? chunk[threadIdx.x - step] : 0;
            __syncthreads();
            chunk[threadIdx.x] += add;
            __syncthreads();
        }
        if (k < m) offsets[k] = carry + chunk[threadIdx.x] - own;
        i64 chunkTotal = chunk[JT_NONZERO_THREADS - 1];
        __syncthreads();
        carry += chunkTotal;
    }
    if (threadIdx.x == 0) offsets[m] = carry;
}

extern "C" __global__ void nonzero_write(i64 n, const bool8* mask, const i64* offsets, i64* out) {
    __shared__ int warpBase[JT_NONZERO_THREADS / 32];
    i64 i = (i64) blockIdx.x * JT_NONZERO_THREADS + threadIdx.x;
    bool set = i < n && mask[i] != 0;
    unsigned ballot = __ballot_sync(0xffffffffu, set);
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    if (lane == 0) warpBase[warp] = __popc(ballot);
    __syncthreads();
    if (threadIdx.x == 0) {
        int running = 0;
        for (int w = 0; w < JT_NONZERO_THREADS / 32; ++w) {
            int c = warpBase[w];
            warpBase[w] = running;
            running += c;
        }
    }
    __syncthreads();
    if (set) out[offsets[blockIdx.x] + warpBase[warp] + __popc(ballot & ((1u << lane) - 1u))] = i;
}
