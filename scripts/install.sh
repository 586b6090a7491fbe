#!/usr/bin/env bash
# Creates a virtual environment from the hash-locked requirements for its
# Python, then adds this project (editable, no dependencies: the lock has them).
#   scripts/install.sh                 python3.11 if it runs, else python3.12, into .venv
#   PYTHON=python3.12 scripts/install.sh    choose the interpreter
#   VENV=.venv-3.12 scripts/install.sh      choose the directory
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-}
if [ -z "$python" ]; then
    # Try running each: a pyenv shim exists even where its version is not active.
    for candidate in python3.11 python3.12; do
        if "$candidate" -c '' 2>/dev/null; then python=$candidate; break; fi
    done
fi
if [ -z "$python" ]; then
    echo "install.sh: neither python3.11 nor python3.12 runs here; set PYTHON=/path/to/python3.1x" >&2
    exit 1
fi
version=$("$python" -c 'import sys; print(f"{sys.version_info[0]}{sys.version_info[1]}")')
lock=requirements/py$version.txt
if [ ! -f "$lock" ]; then
    echo "install.sh: $python is Python ${version:0:1}.${version:1}; the locks cover $(cd requirements && echo py3*.txt)" >&2
    exit 1
fi

venv=${VENV:-.venv}
"$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check)
# --no-compile: byte-compiling all of TensorFlow and JAX takes minutes; Python compiles what it imports, once.
"${pip[@]}" install -q --no-compile --require-hashes -r "$lock"
"${pip[@]}" install -q --no-deps -e .
echo "install.sh: $venv has Python ${version:0:1}.${version:1} with $lock"
