"""Runs exported PyTorch projects for pytorchExport.test.ts, many in one process (importing
torch is the slow part). Prints one JSON object on the last line of stdout.

  predict:DIR  DIR has model.py, weights.safetensors, x.npy, expected.npy -> max |diff| of predict()
  train:DIR    DIR is a whole project -> the epoch losses of `train.py --epochs 3`, then a 3-step
               run from weights.safetensors written to one.safetensors
  ddp:DIR      under torchrun: the same 3-step run, rank 0 writes ddp.safetensors
  heads:DIR    like predict, for a model with several Output / Loss nodes: every head's prediction
               (predict_all) flattened one after the other -> max |diff| against expected.npy
  loss:DIR     a whole project: the weighted loss train.py trains on (total_loss over every head),
               with weights.safetensors, over all of data.npz's training rows in eval mode
               (keyed "loss:<folder>", so a train job may use the same folder)
Results are keyed by the folder's name.
"""
import importlib
import json
import os
import sys
import traceback

import numpy as np
import torch


def fresh(directory, name):
    """Imports DIR's module afresh (every project has its own model/data/train)."""
    for m in ("model", "data", "train"):
        sys.modules.pop(m, None)
    sys.path.insert(0, directory)
    os.chdir(directory)
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(directory)


def predict(directory):
    model_py = fresh(directory, "model")
    model = model_py.load_model(os.path.join(directory, "weights.safetensors"))
    x = torch.from_numpy(np.load(os.path.join(directory, "x.npy")))
    got = model_py.predict(model, x).numpy()
    want = np.load(os.path.join(directory, "expected.npy")).reshape(got.shape)
    return float(np.abs(got - want).max())


def heads(directory):
    model_py = fresh(directory, "model")
    model = model_py.load_model(os.path.join(directory, "weights.safetensors"))
    x = torch.from_numpy(np.load(os.path.join(directory, "x.npy")))
    got = np.concatenate([o.numpy().reshape(-1) for o in model_py.predict_all(model, x)])
    want = np.load(os.path.join(directory, "expected.npy")).reshape(got.shape)
    return float(np.abs(got - want).max())


def loss(directory):
    train_py = fresh(directory, "train")
    model = train_py.load_flowgrad_weights(train_py.Model(), "weights.safetensors").eval()
    x, y, _, _ = train_py.load_data()
    with torch.no_grad():
        preds = train_py.heads(model(*train_py.split_inputs(torch.from_numpy(x))))
        return float(train_py.total_loss(preds, torch.from_numpy(y), train_py.make_criteria()))


def few_steps(directory, out):
    return ["--epochs", "1", "--max-steps", "3", "--init", "weights.safetensors", "--out", out, "--checkpoint", out + ".pt"]


def train(directory):
    train_py = fresh(directory, "train")
    _, history = train_py.main(["--epochs", "3"])
    train_py.main(few_steps(directory, "one.safetensors"))
    return [h["loss"] for h in history]


def ddp(directory):
    fresh(directory, "train").main(few_steps(directory, "ddp.safetensors"))
    return True


def main():
    jobs = [(a.partition(":")[0], os.path.abspath(a.partition(":")[2])) for a in sys.argv[1:]]
    distributed = "WORLD_SIZE" in os.environ
    if distributed:
        import torch.distributed as dist

        dist.init_process_group("gloo")
    results = {}
    for mode, d in jobs:
        key = f"loss:{os.path.basename(d)}" if mode == "loss" else os.path.basename(d)
        try:
            results[key] = {"predict": predict, "heads": heads, "loss": loss, "train": train, "ddp": ddp}[mode](d)
        except Exception:
            results[key] = {"error": traceback.format_exc()}
    if distributed:
        dist.barrier()  # as train.py does: gloo's workers let go of the last tensors before exit
        dist.destroy_process_group()
    if int(os.environ.get("RANK", "0")) == 0:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
