#!/usr/bin/env bash
# How fast this machine is right now for arithmetic, for cache-bound and for memory-bound work, per CPU-second
# of one thread (see bench/machine-speed/MachineSpeed.java). Run it beside a benchmark's notes: when the 8 MB
# walk's max/min is far above 1, the host's other tenants are moving cache-bound work (OpenSearch indexing) by
# that much, and CPU accounts will not show it.
#   bench/machine-speed.sh [seconds per kind, default 30]
set -euo pipefail
exec java "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/machine-speed/MachineSpeed.java" "${1:-30}"
