#!/usr/bin/env bash
# JMH's perfasm profiler on hosts without hardware counters (virtual machines): the hottest compiled regions as
# instructions, sampled on the cpu-clock software event. Builds the hsdis plug-in (bench/hsdis, over Capstone)
# into bench/target/hsdis once, installing gcc, perf and Capstone's headers through apt-get where they are missing.
#   bench/perfasm.sh 'gemm.SgemmBench.jtorch' -p n=1024 -p threads=1 -f 1 -wi 3 -i 4
# Any JMH arguments go through; a second -prof is added, not replaced.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

plugin=bench/target/hsdis/hsdis-amd64.so
if [ ! -f "$plugin" ] || [ bench/hsdis/hsdis-capstone.c -nt "$plugin" ]; then
  missing=()
  command -v gcc >/dev/null 2>&1 || missing+=(gcc)
  command -v perf >/dev/null 2>&1 || missing+=(linux-perf)
  [ -f /usr/include/capstone/capstone.h ] || missing+=(libcapstone-dev)
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "perfasm: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  mkdir -p "$(dirname "$plugin")"
  gcc -O2 -shared -fPIC bench/hsdis/hsdis-capstone.c -o "$plugin" -lcapstone
fi

# HotSpot looks for hsdis-amd64.so on the library path; the forked benchmark JVMs inherit it
export LD_LIBRARY_PATH="$PWD/$(dirname "$plugin")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
exec bench/run.sh "$@" -prof 'perfasm:events=cpu-clock;intelSyntax=true'
