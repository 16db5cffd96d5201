/**
 * The data half of the PyTorch export (data.py): `load_data()` returns the training and
 * validation arrays. In an exported project they are the very arrays Flowgrad trained on —
 * generated or uploaded, after its preprocessing and its seeded split — shipped as data.npz
 * (pytorchProject.ts writes it). The live code view cannot ship a file: for the generated
 * 2-D datasets it shows the NumPy recipe, otherwise the same data.npz loader naming the
 * dataset and how to get the file. Pure string building.
 */
import type { DatasetSpec } from '../../project/config.ts';

const DATA_2D: Record<string, string> = {
  circles: `    r = np.where(y == 0, rng.uniform(0, 2, n), rng.uniform(3, 5, n))
    t = rng.uniform(0, 2 * np.pi, n)
    X = np.stack([r * np.cos(t), r * np.sin(t)], 1)`,
  xor: `    X = rng.uniform(-5, 5, (n, 2))
    X += np.sign(X) * 0.3
    y = (X[:, 0] * X[:, 1] < 0).astype(np.int64)`,
  moons: `    t = rng.uniform(0, np.pi, n)
    X = np.where(y[:, None] == 0, np.stack([np.cos(t), np.sin(t)], 1), np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1)) * 2.5 - [1.25, 0.6]`,
  spirals: `    t = np.sqrt(rng.uniform(0, 1, n)) * 3 * np.pi
    X = np.stack([t * np.cos(t + np.pi * y), t * np.sin(t + np.pi * y)], 1) / 2`,
};

/** One line saying what the dataset is (name, size or upload and its preparation). */
export function describeDataset(d: DatasetSpec | undefined): string {
  if (!d) return 'no dataset chosen';
  if (d.kind === 'upload') return `the uploaded dataset '${d.name}'${d.prep && Object.keys(d.prep).length ? ` prepared with ${JSON.stringify(d.prep)}` : ''}`;
  return `Flowgrad's generated '${d.name}' dataset (${d.samples} samples, noise ${d.noise}, seed ${d.seed})`;
}

const NPZ_LOADER = `DATA_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data.npz")


def load_data(path=DATA_FILE):
    """(x_train, y_train, x_val, y_val) as NumPy arrays; x_val / y_val are None without a validation split."""
    if not os.path.exists(path):
        raise SystemExit(f"{path} not found: export the project from Flowgrad (File > Export PyTorch project) to get its data")
    with np.load(path) as d:
        val = "x_val" in d.files
        return d["x_train"], d["y_train"], d["x_val"] if val else None, d["y_val"] if val else None


def load_test(path=DATA_FILE):
    """(x_test, y_test): the rows Flowgrad's data preparation held out for testing, or None."""
    with np.load(path) as d:
        return (d["x_test"], d["y_test"]) if "x_test" in d.files else None`;

/** data.py of an exported project: loads data.npz. `classNames` label the classes when known. */
export function projectDataPy(dataset: DatasetSpec | undefined, opts: { classNames: string[] | null; hasData: boolean; validationSplit: number }): string {
  return `"""The project's data: ${describeDataset(dataset)}.
${opts.hasData
    ? `data.npz holds exactly the arrays Flowgrad trained on: after its preprocessing, split into training and
validation rows (validation fraction ${opts.validationSplit}) with its seed.`
    : `This project has no dataset Flowgrad could export: put your own arrays in data.npz
(x_train [N, ...input shape], y_train, and optionally x_val, y_val).`}"""
import os

import numpy as np

CLASS_NAMES = ${JSON.stringify(opts.classNames ?? null).replace(/^null$/, 'None')}

${NPZ_LOADER}
`;
}

/** load_data() for the live code view (one file, no data.npz beside it). */
export function codeViewDataPy(dataset: DatasetSpec | undefined, validationSplit: number, seed: number): string {
  if (dataset?.kind === 'builtin2d' && DATA_2D[dataset.name]) {
    return `def load_data(n=${dataset.samples}, noise=${dataset.noise}, seed=${dataset.seed}, val_fraction=${validationSplit}):
    """The '${dataset.name}' 2-D dataset (same recipe as Flowgrad's; points differ in detail — File > Export
    PyTorch project ships the exact arrays Flowgrad trains on as data.npz)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
${DATA_2D[dataset.name]}
    X = (X + rng.normal(0, noise, X.shape)).astype(np.float32)
    perm = np.random.default_rng(${seed}).permutation(n)
    n_val = int(round(n * val_fraction))
    val, train = perm[:n_val], perm[n_val:]
    return X[train], y[train], (X[val] if n_val else None), (y[val] if n_val else None)`;
  }
  return `# The data: ${describeDataset(dataset)}.
# File > Export PyTorch project writes it (preprocessed and split as Flowgrad does) to data.npz beside this file.
${NPZ_LOADER}`;
}
