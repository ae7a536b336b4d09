#!/usr/bin/env bash
# Packs the CUDA test suite into dist/gpu-bundle: a jlinked runtime (no JDK needed on the GPU host), the
# project's jars, the test classes and the JUnit console launcher. Run through `./jtorch gpu-bundle`, which
# sets JAVA_HOME to a JDK 22+. On the GPU host: `dist/gpu-bundle/run-tests.sh` (the CUDA libraries are
# found as docs/CUDA.md says: JTORCH_CUDA_LIB_PATH, LD_LIBRARY_PATH, CUDA_HOME, then Python wheels).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
: "${JAVA_HOME:?run through ./jtorch gpu-bundle}"
JUNIT_CONSOLE=1.11.4
out=dist/gpu-bundle
modules=(bindings tensor ops-vector ops-cuda autograd nn)
# The CUDA suite: the bindings' tests, and ops-cuda's, which compare every backend primitive and two small
# models (MLP, LeNet-5 through autograd and nn) with the CPU backend; those run on the jars of `modules`.
# Other modules' own tests need jars (jqwik, DJL) the bundle does not carry.
suite=(bindings ops-cuda)

mvn -B -q install -DskipTests -pl "$(IFS=,; echo "${modules[*]}")" -am
mvn -B -q test-compile -pl "$(IFS=,; echo "${suite[*]}")"
rm -rf "$out"
mkdir -p "$out/lib" "$out/test-classes"
"$JAVA_HOME/bin/jlink" --add-modules java.base,jdk.incubator.vector,java.logging,jdk.unsupported,java.management \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6 --output "$out/runtime"
for m in "${modules[@]}"; do
  cp "$m"/target/jtorch-"$m"-*.jar "$out/lib/"
done
for m in "${suite[@]}"; do cp -r "$m/target/test-classes/." "$out/test-classes/"; done
mvn -B -q dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:$JUNIT_CONSOLE -DoutputDirectory="$out/lib"
cat > "$out/run-tests.sh" <<'RUN'
#!/usr/bin/env bash
# The CUDA suite on a GPU host with no JDK: the bindings and ops-cuda tests. Kernel compile checks also use
# nvcc when it is on PATH; NVRTC, cuBLAS and the driver are found as docs/CUDA.md says.
# Arguments replace the default selection, e.g. `run-tests.sh --select-class dev.jtorch.cuda.CudaBackendTest`.
here="$(dirname "$(readlink -f "$0")")"
selection=(--select-package dev.jtorch.bindings --select-package dev.jtorch.cuda)
if [ $# -gt 0 ]; then selection=("$@"); fi
exec "$here/runtime/bin/java" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -jar "$here"/lib/junit-platform-console-standalone-*.jar \
  --class-path "$here/test-classes:$(ls "$here"/lib/jtorch-*.jar | tr '\n' ':')" \
  --details=tree "${selection[@]}"
RUN
chmod +x "$out/run-tests.sh"
du -sh "$out/runtime" "$out" | sed 's/^/gpu-bundle: /'
