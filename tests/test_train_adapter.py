"""The training command reproduces the shipped question adapter bit for bit (loads the model; minutes)."""
from __future__ import annotations

import json

from carbonqa.eval import train_adapter
from carbonqa.index.query_adapter import ADAPTER_DIR, ADAPTER_MANIFEST, QueryAdapter


def test_training_command_reproduces_the_shipped_adapter(tmp_path, runtime_over_loaded_model):
    train_adapter.main(["--out", str(tmp_path)])
    shipped = json.loads((ADAPTER_DIR / ADAPTER_MANIFEST).read_text(encoding="utf-8"))
    retrained = QueryAdapter.load(tmp_path)
    assert retrained.manifest.sha256 == shipped["sha256"]
    assert retrained.manifest.model_dump() == shipped
