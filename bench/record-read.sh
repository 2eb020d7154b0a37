#!/usr/bin/env bash
# Runs only the ChunkRecordReader benchmark (records/s); same options as boundary-scan.sh.
set -euo pipefail
exec "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/boundary-scan.sh" --record-read-only "$@"
