"""What the benchmarks ran on: CPU model, cores, the widest vector instruction set TensorFlow may use, and
whether its oneDNN kernels are on; and the switch that turns them on.

Training time depends on the CPU far more than on the core count, and on an x86 CPU most on whether
oneDNN runs the convolutions and whether it can use AVX-512; `ONEDNN_MAX_CPU_ISA` caps what it uses,
so a capped run is reported as such.
"""

from __future__ import annotations

import os
import platform
import sys
import warnings
from pathlib import Path

CPUINFO = Path("/proc/cpuinfo")
# Widest first: the /proc/cpuinfo flag that names each instruction set.
ISA_FLAGS = (("AVX-512", "avx512f"), ("AVX2", "avx2"), ("AVX", "avx"), ("SSE4.1", "sse4_1"))
# oneDNN's cap names (ONEDNN_MAX_CPU_ISA) by prefix, mapped to ours; ALL or DEFAULT mean no cap.
ONEDNN_CAPS = (("AVX512", "AVX-512"), ("AVX10", "AVX-512"), ("AVX2", "AVX2"), ("AVX", "AVX"), ("SSE41", "SSE4.1"))


ONEDNN_SWITCH = "TF_ENABLE_ONEDNN_OPTS"
X86 = ("x86_64", "amd64")


def prefer_onednn(env: dict[str, str] | None = None, machine: str | None = None) -> None:
    """Ask TensorFlow for its oneDNN kernels on x86 unless the user chose; it reads the switch once, as it loads.

    TF turns them on by itself only on CPUs with AVX512_VNNI, AVX_VNNI, AMX and the like. On the others,
    most AVX2 laptops among them, its convolutions fall back to Eigen: a training step of the default
    network took 98-114 ms there against 69-74 ms with oneDNN (AMD EPYC, AVX2, 2 cores), and the same
    seed still gives the same weights run after run.
    """
    env = os.environ if env is None else env
    if (machine or platform.machine()).lower() not in X86 or ONEDNN_SWITCH in env:
        return
    env[ONEDNN_SWITCH] = "1"
    if "tensorflow" in sys.modules:
        # Too late for this process: a script that imported keras or tensorflow first trains on other kernels,
        # with other numbers and times than the build, and nothing else would say so.
        warnings.warn(
            f"TensorFlow was imported before pipeline, so its oneDNN kernels stay as it chose; import pipeline "
            f"first or set {ONEDNN_SWITCH}=1",
            stacklevel=2,
        )


def onednn_on() -> bool:
    """Whether this process's TensorFlow runs oneDNN kernels (imports TensorFlow)."""
    from tensorflow.python.util import _pywrap_util_port  # TF's own check; no public API says it

    return bool(_pywrap_util_port.IsMklEnabled())


def onednn_label(on: bool) -> str:
    """How reports name the kernels a time was measured with."""
    return f"oneDNN {'on' if on else 'off'}"


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
