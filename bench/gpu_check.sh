#!/usr/bin/env bash
# The CUDA path on one GPU, in under 8 minutes: the CUDA-only tests (the CUDA-graph step against the eager
# one, on-device augmentation), the speed bench on CUDA, and the brief profile of bath-a2 3.1, 4.1 and 6.1
# on full data. Prints one table last.
#
# Usage: bench/gpu_check.sh [DATA_DIR]
#   DATA_DIR holds mnist.npz and fashion_mnist.npz (default: data/, which git ignores).
#   Logs and run folders go to $OUT (default: /tmp/gpu_check).
set -uo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-data}
PY=${PYTHON:-python3}
OUT=${OUT:-/tmp/gpu_check}
export PYTHONPATH="src${PYTHONPATH:+:$PYTHONPATH}"
mkdir -p "$OUT"

if ! $PY -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)"; then
  echo "error: no CUDA device visible to $PY"
  exit 2
fi
$PY -c "import torch; print('GPU:', torch.cuda.get_device_name(0), '| torch', torch.__version__, '| CUDA', torch.version.cuda)" \
  | tee "$OUT/device.txt"

start=$SECONDS
if $PY -c "import pytest" 2>/dev/null; then
  $PY -m pytest -q -p no:cacheprovider tests/train/test_loop.py tests/train/test_augment.py tests/train/test_sam.py \
    tests/train/test_hooks.py -k "cuda or graph or device" >"$OUT/tests.log" 2>&1
  tests=$(tail -1 "$OUT/tests.log")
else
  tests="pytest not installed: CUDA-only tests not run"
fi
echo "tests: $tests ($((SECONDS - start)) s)"

start=$SECONDS
timeout 240 $PY bench/train_speed.py --device cuda --steps 300 --repeats 3 >"$OUT/bench.log" 2>&1
echo "bench: exit $? ($((SECONDS - start)) s)"

for task in 3.1 4.1 6.1; do
  start=$SECONDS
  timeout 180 $PY -m dlcourse run "bath-a2/$task" --device cuda --data-dir "$DATA" --runs-dir "$OUT/runs" -q \
    >"$OUT/run-$task.log" 2>&1
  echo "bath-a2/$task: exit $? ($((SECONDS - start)) s)"
done

echo
cat "$OUT/device.txt"
echo "CUDA-only tests: $tests"
cat "$OUT/bench.log"
$PY - "$OUT/runs" <<'PY'
import json, sys
from pathlib import Path

runs = Path(sys.argv[1]) / "bath-a2"
print(f"{'task':<14}{'test accuracy':<36}{'train s':>9}{'total s':>9}")
for task in ("3.1", "4.1", "6.1"):
    folder = runs / task
    if not (folder / "metrics.json").is_file():
        print(f"{'bath-a2/' + task:<14}did not finish (see run-{task}.log)")
        continue
    metrics = json.loads((folder / "metrics.json").read_text())
    provenance = json.loads((folder / "provenance.json").read_text())
    histories = json.loads((folder / "history.json").read_text()).values()
    accs = ", ".join(f"{k} {v:.2%}" for k, v in metrics.items() if k.endswith("test_acc"))
    train = sum(sum(r["seconds"] for r in h["rows"]) for h in histories)
    print(f"{'bath-a2/' + task:<14}{accs:<36}{train:>9.1f}{provenance['seconds']:>9.1f}")
PY
