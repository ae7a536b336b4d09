package dev.jtorch.cuda;

import dev.jtorch.tensor.DType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Every kernel the backend launches: the source file that defines it, its base name, and the dtypes it is
 * instantiated for ({@code name_f32}, {@code name_i64}, ...). The backend looks kernels up only through
 * this enum, so {@code KernelCatalogTest} can check that each name exists in the compiled modules.
 */
enum Kernel {
    FILL("elementwise", "fill", Types.ALL),
    UNARY("elementwise", "unary", Types.ALL),
    LOGICAL_NOT("elementwise", "logical_not", Types.ALL),
    BINARY("elementwise", "binary", Types.ALL),
    COMPARE("elementwise", "compare", Types.ALL),
    WHERE("elementwise", "where", Types.ALL),
    RELU_BACKWARD("elementwise", "relu_backward", Types.FLOATS),
    /** copy_{from}_{to}: the one kernel named by two dtypes. */
    COPY("elementwise", "copy", Types.ALL),
    REDUCE("reduce", "reduce", Types.ALL),
    ARG_REDUCE("reduce", "argreduce", Types.ALL),
    SOFTMAX("reduce", "softmax", Types.FLOATS),
    INDEX_SELECT("index", "index_select", Types.ALL),
    INDEX_ADD("index", "index_add", Types.ALL),
    GATHER("index", "gather", Types.ALL),
    SCATTER("index", "scatter", Types.ALL),
    NONZERO_COUNT("index", "nonzero_count", Types.NONE),
    NONZERO_SCAN("index", "nonzero_scan", Types.NONE),
    NONZERO_WRITE("index", "nonzero_write", Types.NONE),
    RANDOM("random", "random", Types.ALL),
    IM2COL("window", "im2col", Types.FLOATS),
    COL2IM("window", "col2im", Types.FLOATS),
    MAX_POOL2D("window", "max_pool2d", Types.FLOATS),
    MAX_POOL2D_BACKWARD("window", "max_pool2d_backward", Types.FLOATS),
    AVG_POOL2D("window", "avg_pool2d", Types.FLOATS),
    AVG_POOL2D_BACKWARD("window", "avg_pool2d_backward", Types.FLOATS),
    MATMUL("matmul", "matmul", Types.INTEGERS),
    LSTM_CELL("recurrent", "lstm_cell", Types.FLOATS),
    LSTM_CELL_BACKWARD("recurrent", "lstm_cell_backward", Types.FLOATS),
    GRU_CELL("recurrent", "gru_cell", Types.FLOATS),
    GRU_CELL_BACKWARD("recurrent", "gru_cell_backward", Types.FLOATS);

    /** Kernel threads per block wherever a kernel does not fix its own (the reductions and nonzero fix 256). */
    static final int THREADS = 256;

    private static final class Types {
        static final Set<DType> ALL = EnumSet.allOf(DType.class);
        static final Set<DType> FLOATS = EnumSet.of(DType.FLOAT32, DType.FLOAT64);
        static final Set<DType> INTEGERS = EnumSet.of(DType.INT64, DType.INT32);
        static final Set<DType> NONE = EnumSet.noneOf(DType.class);
    }

    final String file;
    final String baseName;
    final Set<DType> dtypes;

    Kernel(String file, String baseName, Set<DType> dtypes) {
        this.file = file;
        this.baseName = baseName;
        this.dtypes = dtypes;
    }

    static String suffix(DType t) {
        return switch (t) {
            case FLOAT32 -> "f32";
            case FLOAT64 -> "f64";
            case INT64 -> "i64";
            case INT32 -> "i32";
            case BOOL -> "b8";
        };
    }

    /** The entry point for these dtypes (none, one, or for COPY two); throws for a dtype it has no instance for. */
    String entry(DType... types) {
        int expected = this == COPY ? 2 : dtypes.isEmpty() ? 0 : 1;
        if (types.length != expected) throw new IllegalArgumentException(this + " takes " + expected + " dtypes, got " + types.length);
        StringBuilder name = new StringBuilder(baseName);
        for (DType t : types) {
            if (!dtypes.contains(t)) {
                throw new UnsupportedOperationException("\"" + baseName + "_cuda\" not implemented for '" + t.scalarTypeName() + "'");
            }
            name.append('_').append(suffix(t));
        }
        return name.toString();
    }

    /** Every entry point of this kernel, for the catalog test. */
    List<String> allNames() {
        List<String> names = new ArrayList<>();
        if (this == COPY) {
            for (DType from : dtypes) for (DType to : dtypes) names.add(entry(from, to));
        } else if (dtypes.isEmpty()) {
            names.add(entry());
        } else {
            for (DType t : dtypes) names.add(entry(t));
        }
        return names;
    }
}
