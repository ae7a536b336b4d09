#!/usr/bin/env bash
# Installs what the benchmarks' native peers need; safe to run again (does nothing when all is there).
#   OpenBLAS (pthread build) for SgemmBench's cblas_sgemm peer: Debian/Ubuntu package libopenblas0-pthread.
set -euo pipefail

have_openblas() {
  for f in /usr/lib/x86_64-linux-gnu/libopenblas.so.0 /usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0 \
           /usr/lib/aarch64-linux-gnu/libopenblas.so.0 /usr/lib64/libopenblas.so.0; do
    [ -e "$f" ] && return 0
  done
  command -v ldconfig >/dev/null 2>&1 && ldconfig -p 2>/dev/null | grep -q 'libopenblas\.so\.0' && return 0
  return 1
}

if have_openblas; then
  echo "setup: OpenBLAS present"
else
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  if command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing OpenBLAS (libopenblas0-pthread)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libopenblas0-pthread >/dev/null
  else
    echo "setup: cannot install OpenBLAS here (no apt-get); install it and pass -Djtorch.openblas.path=/path/libopenblas.so.0" >&2
    exit 1
  fi
  have_openblas || { echo "setup: OpenBLAS still not found after installing" >&2; exit 1; }
fi
