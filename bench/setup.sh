#!/usr/bin/env bash
# Install the comparison tools for bench/run.py: Hugo (Debian package),
# Pelican with Python-Markdown (PyPI), and GNU time for peak-RSS measurement.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need_apt=()
command -v hugo >/dev/null 2>&1 || need_apt+=(hugo)
[ -x /usr/bin/time ] || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
    $SUDO apt-get update
    $SUDO apt-get install -y "${need_apt[@]}"
fi

PY="${PYTHON:-python3}"
"$PY" -m pip install pelican markdown

echo "hugo:    $(hugo version 2>/dev/null || echo 'not installed')"
echo "pelican: $(pelican --version 2>/dev/null || echo 'not installed')"
echo "time:    $([ -x /usr/bin/time ] && echo /usr/bin/time || echo 'not installed')"
