// Random fills from Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3"), a
// counter-based generator: element i draws from counter (i, offset) under the key `seed`, so the result
// depends on the seed alone, not on the launch shape. Dist codes are dev.jtorch.tensor.Distribution ordinals.
#include "common.cuh"

enum { D_UNIFORM, D_NORMAL, D_BERNOULLI, D_INTEGER };

struct Philox4 { u32 x, y, z, w; };

__device__ __forceinline__ Philox4 jt_philox(Philox4 c, u32 k0, u32 k1) {
    const u32 M0 = 0xD2511F53u, M1 = 0xCD9E8D57u, W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
#pragma unroll
    for (int round = 0; round < 10; ++round) {
        u32 hi0 = __umulhi(M0, c.x), lo0 = M0 * c.x;
        u32 hi1 = __umulhi(M1, c.z), lo1 = M1 * c.z;
        Philox4 next = { hi1 ^ c.y ^ k0, lo1, hi0 ^ c.w ^ k1, lo0 };
        c = next;
        k0 += W0;
        k1 += W1;
    }
    return c;
}

// A double in [0, 1) from 53 random bits.
__device__ __forceinline__ double jt_unit(u32 hi, u32 lo) {
    return (double) ((((u64) hi << 32) | lo) >> 11) * (1.0 / 9007199254740992.0);
}

template <typename T> __device__ void random_fill(i64 n, T* out, Strided so, int dist, double a, double b, u64 seed, u64 offset) {
    JT_FOR_EACH(i, n) {
        Philox4 counter = { (u32) i, (u32) ((u64) i >> 32), (u32) offset, (u32) (offset >> 32) };
        Philox4 r = jt_philox(counter, (u32) seed, (u32) (seed >> 32));
        double u = jt_unit(r.x, r.y);
        double v;
        switch (dist) {
            case D_UNIFORM: v = a + (b - a) * u; break;
            case D_NORMAL: {
                // Box-Muller; 1 - u is in (0, 1], so the logarithm is finite
                double radius = sqrt(-2.0 * log(1.0 - u));
                v = a + b * radius * cospi(2.0 * jt_unit(r.z, r.w));
                break;
            }
            case D_BERNOULLI: v = u < a ? 1.0 : 0.0; break;
            default: {
                double span = b - a;
                double k = floor(u * span);
                v = a + (k < span ? k : span - 1.0);
                break;
            }
        }
        T stored = jt_cast<T>(v);
        // float32 rounding can reach the open upper bound of a uniform draw; keep it below, as torch.rand does
        if (dist == D_UNIFORM && IsFloat<T>::value && (double) stored >= b && b > a) stored = jt_cast<T>(a);
        out[jt_offset(so, i)] = stored;
    }
}

#define JT_RANDOM(S, T) \
    extern "C" __global__ void random_##S(i64 n, T* out, Strided so, int dist, double a, double b, u64 seed, u64 offset) { random_fill<T>(n, out, so, dist, a, b, seed, offset); }
JT_ALL_TYPES(JT_RANDOM)
