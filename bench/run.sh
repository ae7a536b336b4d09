#!/usr/bin/env bash
# Runs the JMH benchmarks on a JDK 22+ (25 preferred): set-up (bench/setup.sh), the uber-jar build when
# sources are newer than bench/target/benchmarks.jar, then JMH with any arguments given, then the GFLOP/s tables.
#   bench/run.sh                                              every benchmark, as annotated
#   bench/run.sh 'SgemmBench|FmaPeakBench.fma256' -p n=1024,2048 -f 1 -wi 3 -i 5
# The raw result goes to bench/target/jmh-result.csv unless -rf/-rff are given.
#   bench/run.sh --paired 5 'LstmTrainBench.jtorch$' 'LstmTrainBench.libtorch$' -p threads=2 -wi 6 -i 5
#                                                             two selections in alternating forks, their time
#                                                             ratio per round (dev.jtorch.bench.Paired)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

bench/setup.sh

jdk_version() { # the feature version of the JDK at $1, or nothing
  local home=$1
  [ -x "$home/bin/java" ] || return 0
  if [ -f "$home/release" ]; then sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release"; return 0; fi
  "$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1
}
find_jdk() {
  local c v best="" bestv=0 candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"); fi
  for c in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -d "$c" ] && candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    v=$(jdk_version "$c")
    if [ -n "$v" ] && [ "$v" -ge 22 ] && [ "$v" -gt "$bestv" ]; then best=$c; bestv=$v; fi
  done
  if [ -z "$best" ]; then
    echo "bench: no JDK 22 or newer found (looked in JAVA_HOME, the java on PATH, /usr/lib/jvm, /usr/java, /opt/java, /opt/jdk*, ~/.sdkman, ~/.jdks)" >&2
    exit 3
  fi
  echo "$best"
}
JAVA_HOME=$(find_jdk)

# Debian's OpenBLAS 0.3.21 does not know CPUs newer than itself (Sapphire/Emerald Rapids) and falls back to its
# Prescott (SSE3) kernels, a fifth of what it does with its AVX-512 ones: name the core for it, unless the
# caller already has.
if [ -z "${OPENBLAS_CORETYPE:-}" ] && grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
  export OPENBLAS_CORETYPE=SkylakeX
fi
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"

JAR=bench/target/benchmarks.jar
if [ ! -f "$JAR" ] || [ -n "$(find . -path '*/target' -prune -o -newer "$JAR" \( -name '*.java' -o -name pom.xml \) -print -quit)" ]; then
  echo "bench: building $JAR"
  mvn -B -q -Dstyle.color=never -pl bench -am package -Dmaven.test.skip=true 2>&1 \
    | grep -v -E '^WARNING: (A terminally deprecated|sun.misc.Unsafe|Please consider reporting|.*will be removed)' || true
  [ -f "$JAR" ] || { echo "bench: build failed" >&2; exit 1; }
fi

if [ "${1:-}" = "--paired" ]; then
  shift
  exec java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "$JAR" dev.jtorch.bench.Paired "$@"
fi

RESULT=()
case " $* " in
  *" -rf "*|*" -rff "*) ;;
  *) RESULT=(-rf csv -rff bench/target/jmh-result.csv) ;;
esac

java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -jar "$JAR" "$@" "${RESULT[@]}"

if [ ${#RESULT[@]} -gt 0 ] && [ -f bench/target/jmh-result.csv ]; then
  echo
  java -cp "$JAR" dev.jtorch.bench.Report bench/target/jmh-result.csv
fi
