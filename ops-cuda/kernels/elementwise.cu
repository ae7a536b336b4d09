// Elementwise kernels on contiguous float32 buffers of n elements.
// Grid-stride loops, so any grid size covers n. No __restrict__: the backend lets the output alias an input.
// Plain C linkage and no includes, so NVRTC can compile this file at run time as nvcc does at build time.

extern "C" __global__ void add_f32(const float* a, const float* b, float* out, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) blockDim.x * gridDim.x)
        out[i] = a[i] + b[i];
}

extern "C" __global__ void mul_f32(const float* a, const float* b, float* out, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) blockDim.x * gridDim.x)
        out[i] = a[i] * b[i];
}

// As torch.relu: NaN stays NaN (a comparison with NaN is false, so it is passed through).
extern "C" __global__ void relu_f32(const float* x, float* out, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) blockDim.x * gridDim.x)
        out[i] = x[i] < 0.0f ? 0.0f : x[i];
}

extern "C" __global__ void fill_f32(float* out, float value, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) blockDim.x * gridDim.x)
        out[i] = value;
}
