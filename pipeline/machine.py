"""What the benchmarks ran on: CPU model, cores, and the widest vector instruction set TensorFlow may use.

Training time depends on the CPU far more than on the core count, and on an x86 CPU most on whether
oneDNN can use AVX-512; `ONEDNN_MAX_CPU_ISA` caps what it uses, so a capped run is reported as such.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

CPUINFO = Path("/proc/cpuinfo")
# Widest first: the /proc/cpuinfo flag that names each instruction set.
ISA_FLAGS = (("AVX-512", "avx512f"), ("AVX2", "avx2"), ("AVX", "avx"), ("SSE4.1", "sse4_1"))
# oneDNN's cap names (ONEDNN_MAX_CPU_ISA) by prefix, mapped to ours; ALL or DEFAULT mean no cap.
ONEDNN_CAPS = (("AVX512", "AVX-512"), ("AVX10", "AVX-512"), ("AVX2", "AVX2"), ("AVX", "AVX"), ("SSE41", "SSE4.1"))


def cpu_count() -> int:
    return len(os.sched_getaffinity(0))


def _cpuinfo_field(cpuinfo: str, name: str) -> str | None:
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == name:
            return value.strip()
    return None


def cpu_model(cpuinfo: str | None = None) -> str:
    cpuinfo = _read_cpuinfo() if cpuinfo is None else cpuinfo
    return _cpuinfo_field(cpuinfo, "model name") or platform.processor() or "unknown CPU"


def vector_isa(cpuinfo: str | None = None, env: dict[str, str] | None = None) -> str:
    """ "AVX-512", "AVX2", ... from the CPU flags, lowered to ONEDNN_MAX_CPU_ISA's cap when that is narrower."""
    cpuinfo = _read_cpuinfo() if cpuinfo is None else cpuinfo
    env = os.environ if env is None else env
    flags = set((_cpuinfo_field(cpuinfo, "flags") or "").split())
    names = [name for name, _ in ISA_FLAGS]
    widest = next((name for name, flag in ISA_FLAGS if flag in flags), None)
    if widest is None:
        return platform.machine() or "unknown"
    cap = _onednn_cap(env.get("ONEDNN_MAX_CPU_ISA", ""))
    if cap is not None and names.index(cap) > names.index(widest):
        return f"{cap} (ONEDNN_MAX_CPU_ISA={env['ONEDNN_MAX_CPU_ISA']} on an {widest} CPU)"
    return widest


def _onednn_cap(value: str) -> str | None:
    value = value.strip().upper()
    return next((ours for prefix, ours in ONEDNN_CAPS if value.startswith(prefix)), None)


def _read_cpuinfo() -> str:
    return CPUINFO.read_text() if CPUINFO.exists() else ""
