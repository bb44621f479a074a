"""The learned gate's training (eval/train_gate.py) rebuilds the shipped artifact byte for byte."""
from __future__ import annotations

from carbonqa.answer.gate import GATE_DIR, GATE_FILE, MANIFEST_FILE
from carbonqa.eval.train_gate import main


def test_training_again_writes_the_shipped_bytes(tmp_path, runtime_over_loaded_model):
    # Fails when the answer stage's features or labels changed since the gate was trained: retrain it.
    main(["--out", str(tmp_path)])
    for name in (GATE_FILE, MANIFEST_FILE):
        assert (tmp_path / name).read_bytes() == (GATE_DIR / name).read_bytes()
