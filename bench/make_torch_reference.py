"""Write tests/data/torch_reference.npz: PyTorch's own BatchNorm1d / LayerNorm results on seeded inputs.

tests/test_torch_parity.py checks regviz against these numbers, so parity with PyTorch is proved in
every test run without installing torch. Regenerate with `pip install -e .[bench]` and
`python bench/make_torch_reference.py`.
"""
from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "torch_reference.npz"


def batchnorm_case(shape, seed, out):
    rng = np.random.default_rng(seed)
    c = shape[1]
    bn = torch.nn.BatchNorm1d(c, eps=1e-5, momentum=0.1).double()
    with torch.no_grad():
        bn.weight.copy_(torch.from_numpy(rng.uniform(0.5, 2, c)))
        bn.bias.copy_(torch.from_numpy(rng.normal(size=c)))
    xs = [rng.normal(3.0, 2.0, size=shape) for _ in range(3)]
    dy = rng.normal(size=shape)
    key = "bn" + "x".join(map(str, shape))
    out[f"{key}_gamma"], out[f"{key}_beta"] = bn.weight.detach().numpy().copy(), bn.bias.detach().numpy().copy()
    for i, x in enumerate(xs):
        out[f"{key}_x{i}"] = x
    out[f"{key}_dy"] = dy
    bn.train()
    for x in xs[:2]:
        bn(torch.from_numpy(x))
    x = torch.from_numpy(xs[2]).requires_grad_()
    y = bn(x)
    y.backward(torch.from_numpy(dy))
    out[f"{key}_train_y"], out[f"{key}_train_dx"] = y.detach().numpy(), x.grad.numpy()
    out[f"{key}_train_dgamma"], out[f"{key}_train_dbeta"] = bn.weight.grad.numpy().copy(), bn.bias.grad.numpy().copy()
    out[f"{key}_running_mean"], out[f"{key}_running_var"] = bn.running_mean.numpy(), bn.running_var.numpy()
    bn.eval()
    bn.weight.grad = bn.bias.grad = None
    x = torch.from_numpy(xs[0]).requires_grad_()
    y = bn(x)
    y.backward(torch.from_numpy(dy))
    out[f"{key}_eval_y"], out[f"{key}_eval_dx"] = y.detach().numpy(), x.grad.numpy()
    out[f"{key}_eval_dgamma"], out[f"{key}_eval_dbeta"] = bn.weight.grad.numpy(), bn.bias.grad.numpy()


def layernorm_case(shape, normalized_shape, seed, out):
    rng = np.random.default_rng(seed)
    ln = torch.nn.LayerNorm(normalized_shape, eps=1e-5).double()
    with torch.no_grad():
        ln.weight.copy_(torch.from_numpy(rng.uniform(0.5, 2, normalized_shape)))
        ln.bias.copy_(torch.from_numpy(rng.normal(size=normalized_shape)))
    key = "ln" + "x".join(map(str, shape))
    x = torch.from_numpy(rng.normal(5.0, 3.0, size=shape)).requires_grad_()
    dy = rng.normal(size=shape)
    y = ln(x)
    y.backward(torch.from_numpy(dy))
    out[f"{key}_x"], out[f"{key}_dy"] = x.detach().numpy(), dy
    out[f"{key}_gamma"], out[f"{key}_beta"] = ln.weight.detach().numpy(), ln.bias.detach().numpy()
    out[f"{key}_y"], out[f"{key}_dx"] = y.detach().numpy(), x.grad.numpy()
    out[f"{key}_dgamma"], out[f"{key}_dbeta"] = ln.weight.grad.numpy(), ln.bias.grad.numpy()


def main():
    out = {"torch_version": np.array(torch.__version__)}
    batchnorm_case((16, 4), 0, out)
    batchnorm_case((8, 3, 5), 1, out)
    layernorm_case((1, 6), (6,), 2, out)  # batch size 1
    layernorm_case((3, 4, 6), (6,), 3, out)
    layernorm_case((2, 3, 4), (3, 4), 4, out)
    x = torch.linspace(-2, 2, 10, dtype=torch.float64)
    out["dropout_p1"] = torch.nn.functional.dropout(x, p=1.0, training=True).numpy()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **out)
    print(f"wrote {OUT} ({len(out)} arrays, torch {torch.__version__})")


if __name__ == "__main__":
    main()
