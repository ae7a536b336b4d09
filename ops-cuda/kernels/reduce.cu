// Sum of a contiguous float32 buffer in two launches, without atomics so the result does not depend on
// scheduling: sum_f32 with G blocks writes G partial sums, then sum_f32 with one block sums those.
// Must be launched with SUM_BLOCK threads per block.

#define SUM_BLOCK 256

extern "C" __global__ void sum_f32(const float* x, float* partial, long long n) {
    __shared__ float warpSums[SUM_BLOCK / 32];
    float s = 0.0f;
    for (long long i = blockIdx.x * (long long) SUM_BLOCK + threadIdx.x; i < n; i += (long long) SUM_BLOCK * gridDim.x)
        s += x[i];
    for (int offset = 16; offset > 0; offset >>= 1) s += __shfl_down_sync(0xffffffffu, s, offset);
    if ((threadIdx.x & 31) == 0) warpSums[threadIdx.x >> 5] = s;
    __syncthreads();
    if (threadIdx.x < 32) {
        s = threadIdx.x < SUM_BLOCK / 32 ? warpSums[threadIdx.x] : 0.0f;
        for (int offset = 16; offset > 0; offset >>= 1) s += __shfl_down_sync(0xffffffffu, s, offset);
        if (threadIdx.x == 0) partial[blockIdx.x] = s;
    }
}
