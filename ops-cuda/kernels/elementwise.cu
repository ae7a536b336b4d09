// Elementwise kernels over any strides: fill, copy (with dtype conversion), unary, binary, comparisons,
// where, ReLU's gradient. Op codes are the ordinals of dev.jtorch.tensor.UnaryOp / BinaryOp; the meaning of
// each op follows the CPU reference (ops-vector ScalarOps).
#include "common.cuh"

// ---- unary: UnaryOp ordinals ----
enum { U_NEG, U_ABS, U_EXP, U_LOG, U_SQRT, U_SIN, U_COS, U_TANH, U_SIGMOID, U_RELU, U_ERF, U_SIGN, U_LOGICAL_NOT };

__device__ __forceinline__ float jt_unary(int op, float x) {
    switch (op) {
        case U_NEG: return -x;
        case U_ABS: return fabsf(x);
        case U_EXP: return expf(x);
        case U_LOG: return logf(x);
        case U_SQRT: return sqrtf(x);
        case U_SIN: return sinf(x);
        case U_COS: return cosf(x);
        case U_TANH: return tanhf(x);
        case U_SIGMOID: return 1.0f / (1.0f + expf(-x));
        case U_RELU: return x > 0.0f || x != x ? x : 0.0f;
        case U_ERF: return erff(x);
        case U_SIGN: return x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : 0.0f;
        default: return x == 0.0f ? 1.0f : 0.0f;
    }
}

__device__ __forceinline__ double jt_unary(int op, double x) {
    switch (op) {
        case U_NEG: return -x;
        case U_ABS: return fabs(x);
        case U_EXP: return exp(x);
        case U_LOG: return log(x);
        case U_SQRT: return sqrt(x);
        case U_SIN: return sin(x);
        case U_COS: return cos(x);
        case U_TANH: return tanh(x);
        case U_SIGMOID: return 1.0 / (1.0 + exp(-x));
        case U_RELU: return x > 0.0 || x != x ? x : 0.0;
        case U_ERF: return erf(x);
        case U_SIGN: return x > 0.0 ? 1.0 : x < 0.0 ? -1.0 : 0.0;
        default: return x == 0.0 ? 1.0 : 0.0;
    }
}

// Integers: the float-only ops are refused on the Java side before a launch.
__device__ __forceinline__ i64 jt_unary(int op, i64 x) {
    switch (op) {
        case U_NEG: return -x;
        case U_ABS: return x < 0 ? -x : x;
        case U_RELU: return x > 0 ? x : 0;
        case U_SIGN: return (x > 0) - (x < 0);
        case U_LOGICAL_NOT: return x == 0;
        default: return x;
    }
}

// ---- binary: BinaryOp ordinals ----
enum { B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAXIMUM, B_MINIMUM, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE, B_AND, B_OR };

__device__ __forceinline__ i64 jt_int_pow(i64 base, i64 e) {
    if (e < 0) return base == 1 ? 1 : base == -1 ? ((e & 1) == 0 ? 1 : -1) : 0;
    i64 r = 1;
    while (e > 0) {
        if (e & 1) r *= base;
        base *= base;
        e >>= 1;
    }
    return r;
}

__device__ __forceinline__ float jt_pow(float x, float y) { return powf(x, y); }
__device__ __forceinline__ double jt_pow(double x, double y) { return pow(x, y); }
__device__ __forceinline__ i64 jt_pow(i64 x, i64 y) { return jt_int_pow(x, y); }
// Integer division is never launched (Tensor divides integers in float32); the guard keeps a stray zero from trapping.
__device__ __forceinline__ float jt_div(float x, float y) { return x / y; }
__device__ __forceinline__ double jt_div(double x, double y) { return x / y; }
__device__ __forceinline__ i64 jt_div(i64 x, i64 y) { return y == 0 ? 0 : x / y; }

template <typename A> __device__ __forceinline__ A jt_binary(int op, A x, A y) {
    switch (op) {
        case B_ADD: return x + y;
        case B_SUB: return x - y;
        case B_MUL: return x * y;
        case B_DIV: return jt_div(x, y);
        case B_POW: return jt_pow(x, y);
        // NaN in either operand gives NaN, as torch.maximum
        case B_MAXIMUM: return jt_isnan(x) ? x : jt_isnan(y) ? y : (x > y ? x : y);
        case B_MINIMUM: return jt_isnan(x) ? x : jt_isnan(y) ? y : (x < y ? x : y);
        case B_EQ: return x == y;
        case B_NE: return x != y;
        case B_LT: return x < y;
        case B_LE: return x <= y;
        case B_GT: return x > y;
        case B_GE: return x >= y;
        case B_AND: return x != 0 && y != 0;
        default: return x != 0 || y != 0;
    }
}

template <typename T> __device__ void fill(i64 n, T* out, Strided so, double value, i64 integerValue) {
    // integers take the exact 64-bit value: a double cannot hold every int64
    T v = IsFloat<T>::value ? jt_cast<T>(value) : jt_cast<T>(integerValue);
    if (so.ndim == 1 && so.strides[0] == 1) {
        JT_FOR_EACH(i, n) out[i] = v;
    } else {
        JT_FOR_EACH(i, n) out[jt_offset(so, i)] = v;
    }
}

template <typename S, typename D> __device__ void copy(i64 n, const S* src, Strided ss, D* dst, Strided sd) {
    JT_FOR_EACH(i, n) {
        i64 d, s;
        jt_offset2(sd, ss, i, d, s);
        dst[d] = jt_cast<D>(src[s]);
    }
}

template <typename T> __device__ void unary(int op, i64 n, const T* src, Strided ss, T* dst, Strided sd) {
    typedef typename Acc<T>::type A;
    JT_FOR_EACH(i, n) {
        i64 d, s;
        jt_offset2(sd, ss, i, d, s);
        dst[d] = jt_cast<T>(jt_unary(op, (A) src[s]));
    }
}

template <typename T> __device__ void logical_not(i64 n, const T* src, Strided ss, bool8* dst, Strided sd) {
    JT_FOR_EACH(i, n) {
        i64 d, s;
        jt_offset2(sd, ss, i, d, s);
        dst[d] = src[s] == (T) 0;
    }
}

// The shape is out's; a and b are broadcast to it through stride 0.
template <typename T, typename R> __device__ void binary(int op, i64 n, const T* a, Strided sa, const T* b, Strided sb, R* out, Strided so) {
    typedef typename Acc<T>::type A;
    if (so.ndim == 1 && so.strides[0] == 1 && sa.strides[0] == 1 && sb.strides[0] == 1) {
        JT_FOR_EACH(i, n) out[i] = jt_cast<R>(jt_binary<A>(op, (A) a[i], (A) b[i]));
        return;
    }
    JT_FOR_EACH(i, n) {
        i64 o, ia;
        jt_offset2(so, sa, i, o, ia);
        i64 ib = jt_offset(sb, i);
        out[o] = jt_cast<R>(jt_binary<A>(op, (A) a[ia], (A) b[ib]));
    }
}

template <typename T> __device__ void where(i64 n, const bool8* cond, Strided sc, const T* a, Strided sa, const T* b, Strided sb, T* out, Strided so) {
    JT_FOR_EACH(i, n) {
        i64 o, c;
        jt_offset2(so, sc, i, o, c);
        out[o] = cond[c] ? a[jt_offset(sa, i)] : b[jt_offset(sb, i)];
    }
}

// PyTorch's threshold_backward(gradOut, result, 0): the gradient passes where the result is positive (or NaN).
template <typename T> __device__ void relu_backward(i64 n, const T* gradOut, Strided sg, const T* result, Strided sr, T* gradIn, Strided si) {
    JT_FOR_EACH(i, n) {
        i64 o, g;
        jt_offset2(si, sg, i, o, g);
        T r = result[jt_offset(sr, i)];
        gradIn[o] = r <= (T) 0 ? (T) 0 : gradOut[g];
    }
}

#define JT_ELEMENTWISE(S, T) \
    extern "C" __global__ void fill_##S(i64 n, T* out, Strided so, double value, i64 integerValue) { fill<T>(n, out, so, value, integerValue); } \
    extern "C" __global__ void unary_##S(int op, i64 n, const T* src, Strided ss, T* dst, Strided sd) { unary<T>(op, n, src, ss, dst, sd); } \
    extern "C" __global__ void logical_not_##S(i64 n, const T* src, Strided ss, bool8* dst, Strided sd) { logical_not<T>(n, src, ss, dst, sd); } \
    extern "C" __global__ void binary_##S(int op, i64 n, const T* a, Strided sa, const T* b, Strided sb, T* out, Strided so) { binary<T, T>(op, n, a, sa, b, sb, out, so); } \
    extern "C" __global__ void compare_##S(int op, i64 n, const T* a, Strided sa, const T* b, Strided sb, bool8* out, Strided so) { binary<T, bool8>(op, n, a, sa, b, sb, out, so); } \
    extern "C" __global__ void where_##S(i64 n, const bool8* cond, Strided sc, const T* a, Strided sa, const T* b, Strided sb, T* out, Strided so) { where<T>(n, cond, sc, a, sa, b, sb, out, so); }
JT_ALL_TYPES(JT_ELEMENTWISE)

#define JT_RELU_BACKWARD(S, T) \
    extern "C" __global__ void relu_backward_##S(i64 n, const T* gradOut, Strided sg, const T* result, Strided sr, T* gradIn, Strided si) { relu_backward<T>(n, gradOut, sg, result, sr, gradIn, si); }
JT_FLOAT_TYPES(JT_RELU_BACKWARD)

// copy_<from>_<to>: every pair of dtypes.
#define JT_COPY_TO(SS, ST, DS, DT) \
    extern "C" __global__ void copy_##SS##_##DS(i64 n, const ST* src, Strided ss, DT* dst, Strided sd) { copy<ST, DT>(n, src, ss, dst, sd); }
#define JT_COPY_FROM_F32(DS, DT) JT_COPY_TO(f32, float, DS, DT)
#define JT_COPY_FROM_F64(DS, DT) JT_COPY_TO(f64, double, DS, DT)
#define JT_COPY_FROM_I64(DS, DT) JT_COPY_TO(i64, i64, DS, DT)
#define JT_COPY_FROM_I32(DS, DT) JT_COPY_TO(i32, int, DS, DT)
#define JT_COPY_FROM_B8(DS, DT) JT_COPY_TO(b8, bool8, DS, DT)
JT_ALL_TYPES(JT_COPY_FROM_F32)
JT_ALL_TYPES(JT_COPY_FROM_F64)
JT_ALL_TYPES(JT_COPY_FROM_I64)
JT_ALL_TYPES(JT_COPY_FROM_I32)
JT_ALL_TYPES(JT_COPY_FROM_B8)
