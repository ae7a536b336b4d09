package dev.jtorch.cpu;

import dev.jtorch.tensor.Backend;
import dev.jtorch.tensor.BinaryOp;
import dev.jtorch.tensor.Block;
import dev.jtorch.tensor.DType;
import dev.jtorch.tensor.Device;
import dev.jtorch.tensor.Distribution;
import dev.jtorch.tensor.Generator;
import dev.jtorch.tensor.HostAllocator;
import dev.jtorch.tensor.ReduceOp;
import dev.jtorch.tensor.Tensor;
import dev.jtorch.tensor.UnaryOp;
import dev.jtorch.tensor.Window2d;

import java.lang.foreign.MemorySegment;

/**
 * The CPU {@link Backend}: host memory from {@link HostAllocator}, kernels in this package, work split over
 * {@link IntraOpPool}. It only dispatches; each family of kernels lives in its own class. Everything runs
 * synchronously on the calling thread (and the pool), so there is nothing to wait for.
 */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {}

    @Override public Device device() { return Device.CPU; }

    @Override public Block allocate(long bytes) { return HostAllocator.get().allocate(bytes); }

    @Override public void copyFromHost(MemorySegment src, Tensor dst) { HostTransfer.fromHost(src, dst); }

    @Override public void copyToHost(Tensor src, MemorySegment dst) { HostTransfer.toHost(src, dst); }

    @Override public void copy(Tensor src, Tensor dst) { ElementwiseKernels.copy(src, dst); }

    @Override public void fill(Tensor dst, double value) { ElementwiseKernels.fill(dst, value); }

    @Override public void unary(UnaryOp op, Tensor src, Tensor dst) { ElementwiseKernels.unary(op, src, dst); }

    @Override public void binary(BinaryOp op, Tensor a, Tensor b, Tensor dst) { ElementwiseKernels.binary(op, a, b, dst); }

    @Override public void where(Tensor cond, Tensor a, Tensor b, Tensor dst) { ElementwiseKernels.where(cond, a, b, dst); }

    @Override public void reduce(ReduceOp op, Tensor src, Tensor dst) { ReductionKernels.reduce(op, src, dst); }

    @Override public void argReduce(ReduceOp op, Tensor src, int dim, Tensor values, Tensor indices) {
        ReductionKernels.argReduce(op, src, dim, values, indices);
    }

    @Override public void matmul(Tensor a, Tensor b, Tensor dst) { MatmulKernels.matmul(a, b, dst); }

    @Override public void addmm(Tensor bias, Tensor a, Tensor b, Tensor dst) {
        if (!MatmulKernels.addmm(bias, a, b, dst)) Backend.super.addmm(bias, a, b, dst);
    }

    @Override public void indexSelect(Tensor src, int dim, Tensor index, Tensor dst) { IndexKernels.indexSelect(src, dim, index, dst); }

    @Override public void indexAdd(Tensor dst, int dim, Tensor index, Tensor src) { IndexKernels.indexAdd(dst, dim, index, src); }

    @Override public void gather(Tensor src, int dim, Tensor index, Tensor dst) { IndexKernels.gather(src, dim, index, dst); }

    @Override public void scatter(Tensor dst, int dim, Tensor index, Tensor src, boolean accumulate) {
        IndexKernels.scatter(dst, dim, index, src, accumulate);
    }

    @Override public Tensor flatNonzero(Tensor mask) { return IndexKernels.flatNonzero(mask); }

    @Override public void random(Tensor dst, Distribution dist, double a, double b, Generator generator) {
        RandomKernels.random(dst, dist, a, b, generator);
    }

    @Override public void im2col(Tensor input, Window2d window, Tensor columns) { WindowKernels.im2col(input, window, columns); }

    @Override public void col2im(Tensor columns, Window2d window, Tensor dst) { WindowKernels.col2im(columns, window, dst); }

    @Override public void softmax(Tensor src, int dim, boolean log, Tensor dst) {
        if (SoftmaxKernels.handles(src, dim, dst)) SoftmaxKernels.softmax(src, log, dst);
        else Backend.super.softmax(src, dim, log, dst);
    }

    @Override public void reluBackward(Tensor gradOut, Tensor result, Tensor gradIn) { ReluBackwardKernel.reluBackward(gradOut, result, gradIn); }

    @Override public void conv2d(Tensor input, Tensor weight, Tensor bias, Window2d window, int groups, Tensor out) {
        if (ConvolutionKernels.handles(input, weight, bias, out)) ConvolutionKernels.forward(input, weight, bias, window, groups, out);
        else Backend.super.conv2d(input, weight, bias, window, groups, out);
    }

    @Override public void conv2dBackwardInput(Tensor gradOut, Tensor weight, Window2d window, int groups, Tensor gradIn) {
        if (ConvolutionKernels.handles(gradOut, weight, gradIn)) ConvolutionKernels.backwardInput(gradOut, weight, window, groups, gradIn);
        else Backend.super.conv2dBackwardInput(gradOut, weight, window, groups, gradIn);
    }

    @Override public void conv2dBackwardWeight(Tensor gradOut, Tensor input, Window2d window, int groups, Tensor gradWeight) {
        if (ConvolutionKernels.handles(gradOut, input, gradWeight)) ConvolutionKernels.backwardWeight(gradOut, input, window, groups, gradWeight);
        else Backend.super.conv2dBackwardWeight(gradOut, input, window, groups, gradWeight);
    }

    @Override public void lstmCell(Tensor inputGates, Tensor hiddenGates, Tensor c, Tensor out) {
        RecurrentKernels.lstmCell(inputGates, hiddenGates, c, out);
    }

    @Override public void lstmCellBackward(Tensor inputGates, Tensor hiddenGates, Tensor c, Tensor gradOut, Tensor gradGates, Tensor gradC) {
        RecurrentKernels.lstmCellBackward(inputGates, hiddenGates, c, gradOut, gradGates, gradC);
    }

    @Override public void lstmLayer(Tensor inputGates, Tensor weightHh, Tensor h0, Tensor c0, boolean reverse, Tensor out, Tensor gates) {
        if (LstmLayerKernel.handles(inputGates, out, gates)) LstmLayerKernel.forward(inputGates, weightHh, h0, c0, reverse, out, gates);
        else Backend.super.lstmLayer(inputGates, weightHh, h0, c0, reverse, out, gates);
    }

    @Override public boolean prefersLstmStack(DType dtype, long steps, long batch, long hidden, int layers) {
        return LstmStackKernel.prefers(dtype, steps, batch, hidden, layers);
    }

    @Override public void lstmStack(Tensor inputGates, java.util.List<Tensor> weightsHh, java.util.List<Tensor> weightsIh,
                                    java.util.List<Tensor> biases, Tensor h0, Tensor c0, Tensor out, Tensor hN, Tensor cN) {
        if (LstmStackKernel.handles(inputGates, weightsHh, weightsIh, biases, h0, c0, out, hN, cN)) {
            LstmStackKernel.forward(inputGates, weightsHh, weightsIh, biases, h0, c0, out, hN, cN);
        } else {
            Backend.super.lstmStack(inputGates, weightsHh, weightsIh, biases, h0, c0, out, hN, cN);
        }
    }

    @Override public void lstmLayerBackward(Tensor gates, Tensor weightHh, Tensor c0, Tensor out, boolean reverse,
                                            Tensor gradOut, Tensor gradGates, Tensor gradH0, Tensor gradC0) {
        if (LstmLayerKernel.handlesBackward(gates, out, gradOut, gradGates, gradH0, gradC0)) {
            LstmLayerKernel.backward(gates, weightHh, c0, out, reverse, gradOut, gradGates, gradH0, gradC0);
        } else {
            Backend.super.lstmLayerBackward(gates, weightHh, c0, out, reverse, gradOut, gradGates, gradH0, gradC0);
        }
    }

    @Override public void gruCell(Tensor inputGates, Tensor hiddenGates, Tensor h, Tensor out) {
        RecurrentKernels.gruCell(inputGates, hiddenGates, h, out);
    }

    @Override public void gruCellBackward(Tensor inputGates, Tensor hiddenGates, Tensor h, Tensor gradOut,
                                          Tensor gradInputGates, Tensor gradHiddenGates, Tensor gradH) {
        RecurrentKernels.gruCellBackward(inputGates, hiddenGates, h, gradOut, gradInputGates, gradHiddenGates, gradH);
    }

    @Override public void maxPool2d(Tensor input, Window2d window, Tensor out, Tensor indices) {
        PoolingKernels.maxPool2d(input, window, out, indices);
    }

    @Override public void maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn) {
        PoolingKernels.maxPool2dBackward(gradOut, indices, gradIn);
    }

    @Override public void avgPool2d(Tensor input, Window2d window, Tensor out) { PoolingKernels.avgPool2d(input, window, out); }

    @Override public void avgPool2dBackward(Tensor gradOut, Window2d window, Tensor gradIn) {
        PoolingKernels.avgPool2dBackward(gradOut, window, gradIn);
    }

    @Override public String toString() { return "CpuBackend(threads=" + IntraOpPool.numThreads() + ")"; }
}
