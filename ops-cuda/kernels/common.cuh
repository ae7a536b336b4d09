// Shared by every jtorch kernel file. NVRTC gets this file as a named header (KernelSources.java), nvcc
// finds it with -I: no system headers, so the same text compiles under both without a host toolchain.
#pragma once

#define JT_MAX_DIMS 8

typedef long long i64;
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned char bool8;   // torch.bool: one byte, 0 or 1

// A tensor's view as a kernel sees it, passed by value. Java writes it with KernelStructs.STRIDED, which
// StructLayoutTest checks against this definition (136 bytes, 8-aligned).
struct Strided {
    i64 sizes[JT_MAX_DIMS];
    i64 strides[JT_MAX_DIMS];   // in elements
    int ndim;
};

// The geometry of a 2-d window over NCHW input (im2col, pooling); Java's KernelStructs.WINDOW.
struct Window {
    i64 n, c, h, w, outH, outW;
    int kH, kW, sH, sW, pH, pW, dH, dW;
    int countIncludePad;
};

// A batched product out[B,M,N] = a[B,M,K] b[B,K,N] with element strides; Java's KernelStructs.MATMUL_SHAPE.
struct MatmulShape {
    i64 batch, m, n, k;
    i64 aBatch, aRow, aCol;
    i64 bBatch, bRow, bCol;
};

// Element offset of the i-th element in row-major order of s's shape. Unrolled over the fixed maximum
// so the struct stays in parameter space instead of being copied to local memory.
__device__ __forceinline__ i64 jt_offset(const Strided& s, i64 i) {
    i64 off = 0;
#pragma unroll
    for (int d = JT_MAX_DIMS - 1; d >= 0; --d) {
        if (d < s.ndim) {
            i64 size = s.sizes[d];
            off += (i % size) * s.strides[d];
            i /= size;
        }
    }
    return off;
}

// Offsets of element i of `shape` under its own strides and under `other`'s, the latter with the
// coordinate along `dim` swapped for `replacement`.
__device__ __forceinline__ void jt_offsets_replacing(const Strided& shape, const Strided& other, i64 i, int dim, i64 replacement, i64& off, i64& otherOff) {
    off = 0; otherOff = 0;
#pragma unroll
    for (int d = JT_MAX_DIMS - 1; d >= 0; --d) {
        if (d < shape.ndim) {
            i64 size = shape.sizes[d];
            i64 c = i % size;
            off += c * shape.strides[d];
            otherOff += (d == dim ? replacement : c) * other.strides[d];
            i /= size;
        }
    }
}

// Offsets of the i-th element (in row-major order over `shape`) for two tensors of that shape.
__device__ __forceinline__ void jt_offset2(const Strided& shape, const Strided& other, i64 i, i64& off, i64& otherOff) {
    jt_offsets_replacing(shape, other, i, -1, 0, off, otherOff);   // no dimension replaced: the unrolled test folds away
}

#define JT_FOR_EACH(i, n) \
    for (i64 i = (i64) blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (i64) blockDim.x * gridDim.x)

// The arithmetic type of each storage type: floats compute in their own precision, integers and bool in 64 bits.
template <typename T> struct Acc { typedef i64 type; };
template <> struct Acc<float> { typedef float type; };
template <> struct Acc<double> { typedef double type; };

template <typename T> struct IsFloat { static const bool value = false; };
template <> struct IsFloat<float> { static const bool value = true; };
template <> struct IsFloat<double> { static const bool value = true; };

// Storing into a type: C conversion (float to int truncates), except bool, which is "not zero".
template <typename To, typename From> __device__ __forceinline__ To jt_cast(From x) { return (To) x; }
template <> __device__ __forceinline__ bool8 jt_cast<bool8, float>(float x) { return x != 0.0f; }
template <> __device__ __forceinline__ bool8 jt_cast<bool8, double>(double x) { return x != 0.0; }
template <> __device__ __forceinline__ bool8 jt_cast<bool8, i64>(i64 x) { return x != 0; }
template <> __device__ __forceinline__ bool8 jt_cast<bool8, int>(int x) { return x != 0; }
template <> __device__ __forceinline__ bool8 jt_cast<bool8, bool8>(bool8 x) { return x != 0; }

__device__ __forceinline__ bool jt_isnan(float x) { return x != x; }
__device__ __forceinline__ bool jt_isnan(double x) { return x != x; }
__device__ __forceinline__ bool jt_isnan(i64) { return false; }

template <typename A> __device__ __forceinline__ A jt_lowest();
template <> __device__ __forceinline__ float jt_lowest<float>() { return __int_as_float(0xff800000); }
template <> __device__ __forceinline__ double jt_lowest<double>() { return __longlong_as_double(0xfff0000000000000LL); }
template <> __device__ __forceinline__ i64 jt_lowest<i64>() { return (i64) 0x8000000000000000ULL; }
template <typename A> __device__ __forceinline__ A jt_highest();
template <> __device__ __forceinline__ float jt_highest<float>() { return __int_as_float(0x7f800000); }
template <> __device__ __forceinline__ double jt_highest<double>() { return __longlong_as_double(0x7ff0000000000000LL); }
template <> __device__ __forceinline__ i64 jt_highest<i64>() { return (i64) 0x7fffffffffffffffULL; }

// Atomic accumulation for each storage type (double needs sm_60+, which every supported GPU has).
__device__ __forceinline__ void jt_atomic_add(float* p, float v) { atomicAdd(p, v); }
__device__ __forceinline__ void jt_atomic_add(double* p, double v) { atomicAdd(p, v); }
__device__ __forceinline__ void jt_atomic_add(i64* p, i64 v) { atomicAdd((u64*) p, (u64) v); }
__device__ __forceinline__ void jt_atomic_add(int* p, int v) { atomicAdd(p, v); }
// bool addition is logical or: storing 1 for a true addend is idempotent, so it needs no atomic.
__device__ __forceinline__ void jt_atomic_add(bool8* p, bool8 v) { if (v) *p = 1; }

// Suffixes of the instantiated kernels: name_f32, name_f64, name_i64, name_i32, name_b8.
#define JT_ALL_TYPES(X) X(f32, float) X(f64, double) X(i64, i64) X(i32, int) X(b8, bool8)
#define JT_FLOAT_TYPES(X) X(f32, float) X(f64, double)
#define JT_NUMBER_TYPES(X) X(f32, float) X(f64, double) X(i64, i64) X(i32, int)
