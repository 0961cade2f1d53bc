"""The five interview questions regviz answers: the one registry of questions, clips and code.

Everything that names a question reads it from here: `regviz list`, `regviz render` (the clip names),
`regviz verify --question`, the study page and each clip's title card (the renderer hands the scene its
Question). The answers are ours; the code listings are the core's reference functions, read from their
source when the page is built, so they never drift from what the tests verify. `claims` on the page
come from the tests' `@pytest.mark.claim(question, ...)` markers.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    id: str
    scene: str  # scenes/<scene>.py and renders/<scene>.mp4
    title: str
    question: str
    answer: tuple  # paragraphs; a paragraph that is a tuple is a bullet list
    trap: str  # the convention that catches people out
    code: tuple  # dotted names of the reference functions listed (scenes/listing.py reads their source)

    @property
    def description(self):
        """One line for `regviz list`."""
        return self.title


QUESTIONS = (
    Question(
        "Q1", "l1_vs_l2", "L1 vs L2 regularization",
        "What is the difference between L1 and L2 regularization, and when would you use each?",
        (
            "Both add a price on large weights to the training loss. L2 (ridge, weight decay) charges "
            "λ·Σw², L1 (lasso) charges λ·Σ|w|.",
            (
                "L2's gradient 2λw is proportional to the weight: it shrinks big weights hard and small ones "
                "gently, so weights get small but (almost surely) never exactly zero.",
                "L1's gradient λ·sign(w) has the same size for every non-zero weight, so it keeps pushing small "
                "weights until they land on exactly zero: a sparse model that selects features.",
                "Geometrically the loss contours first touch the L1 diamond at a corner, where some coordinates "
                "are zero, and the L2 ball at a smooth point off the axes.",
                "|w| has no derivative at 0, so L1 is solved with a proximal step, soft-thresholding "
                "sign(w)·max(|w|−t, 0), which produces the exact zeros; L2 is smooth everywhere.",
            ),
            "Why the proximal step: plain subgradient descent on |w| steps across zero and back, so its weights "
            "jitter around 0 and never land on it; soft-thresholding sets them to exactly 0 (demonstrated "
            "below), which is why lasso solvers use it (Tibshirani 1996; Beck & Teboulle 2009).",
            "Use L2 as the default (stable, keeps every feature, spreads weight over correlated features); use "
            "L1 when you want a sparse, interpretable model or automatic feature selection (elastic net mixes "
            "the two when features are correlated).",
        ),
        "In deep learning, 'weight decay' is L2 only for plain SGD; with Adam it differs (AdamW decouples it).",
        ("regviz.penalties.soft_threshold", "regviz.linear.lasso_step", "regviz.linear.ridge_step"),
    ),
    Question(
        "Q2", "dropout", "Dropout: train vs inference",
        "How does dropout work, at training time and at inference?",
        (
            (
                "Training: every unit is zeroed independently with probability p, and the survivors are "
                "multiplied by 1/(1−p) (inverted dropout).",
                "The scaling keeps each unit's expected value unchanged: E[y] = (1−p)·x/(1−p) = x.",
                "Inference: dropout does nothing: every unit is on and nothing is rescaled, because the "
                "training-time scaling already matched the expectations.",
            ),
            "Why it regularizes (Srivastava et al. 2014): a unit cannot rely on any particular partner being "
            "present, which breaks co-adaptation; each step trains a different thinned sub-network that shares "
            "weights with the others, and the full network at inference behaves like an average of that "
            "ensemble. On a small noisy problem, dropout narrows the gap between training and held-out loss of "
            "an over-parameterised MLP (demonstrated below); it does not always lower the held-out loss.",
        ),
        "p is the probability of DROPPING in PyTorch (torch.nn.Dropout(p=0.5)); CS231n's code uses the keep "
        "probability. With p = 1 PyTorch returns zeros; the textbook x·mask/(1−p) divides by zero.",
        ("regviz.dropout.dropout_forward",),
    ),
    Question(
        "Q3", "batchnorm", "Batch norm: train vs eval",
        "Explain batch normalization. What changes between training and evaluation?",
        (
            "For every feature, batch norm subtracts the mean and divides by the standard deviation computed "
            "over the batch, then applies a learned scale and shift: y = γ·(x − μ)/√(σ² + ε) + β.",
            (
                "Training: μ and σ² are the current batch's statistics (biased variance), and gradients flow "
                "through them. Running averages are updated for later: running = (1 − momentum)·running + "
                "momentum·batch.",
                "Evaluation: the running averages replace the batch statistics, so the layer is a fixed affine "
                "map: deterministic, and a sample's output no longer depends on the rest of its batch.",
            ),
            "Why it helps: the original paper motivated it as reducing \"internal covariate shift\" (Ioffe & "
            "Szegedy 2015). Santurkar et al. (2018) found that this is not the mechanism: re-injecting the shift "
            "after batch norm trains about as well, and batch norm does not reduce a measure of it. What the "
            "evidence supports, and what regviz demonstrates below:",
            (
                "It tolerates much larger learning rates (Bjorck et al. 2018): BN(a·Wx) = BN(Wx), so scaling the "
                "weights changes nothing forward and shrinks their gradient as 1/a (proved below), and a "
                "10-layer MLP with batch norm trains at 4x and more the largest rate that works without it "
                "(demonstrated).",
                "A smoother optimisation landscape is the best current partial explanation (Santurkar et al. "
                "2018), not a settled one.",
                "The batch statistics add noise that regularizes a little: a sample's output varies with its "
                "batch-mates, about as 1/m in variance (demonstrated); modest, and gone at inference.",
            ),
            "Forgetting model.eval() at inference is the classic bug.",
        ),
        "PyTorch's momentum = 0.1 weights the NEW batch (CS231n and numpy-ml write 0.9 for the old running "
        "value), and running_var is updated with the UNBIASED batch variance (×m/(m−1)) while the "
        "normalisation itself uses the biased one.",
        ("regviz.norm.batchnorm_forward", "regviz.norm.batchnorm_backward"),
    ),
    Question(
        "Q4", "bn_vs_ln", "Batch norm vs layer norm",
        "How does layer norm differ from batch norm, and why do transformers use layer norm?",
        (
            (
                "Batch norm: statistics over the batch, one mean and variance per feature; needs a reasonable "
                "batch, behaves differently in train and eval, keeps running statistics.",
                "Layer norm: statistics over the features, one mean and variance per sample; works with batch "
                "size 1, is identical in train and eval, keeps no running state.",
            ),
            "Transformers use layer norm (Ba, Kiros & Hinton 2016) because a token's normalisation then "
            "depends only on that token: sequences have variable lengths and padding, batches are often small "
            "(or split across devices), and inference runs one sequence at a time, none of which batch "
            "statistics handle well. Proved below: a token's layer-norm output is the same whatever the batch "
            "and padding around it; demonstrated: in small padded batches, batch norm's statistics swing.",
        ),
        "With one value per channel PyTorch's BatchNorm refuses to train (the variance of one number is 0); "
        "LayerNorm is happy with a single sample.",
        ("regviz.norm.layernorm_forward", "regviz.norm.layernorm_backward"),
    ),
    Question(
        "Q5", "dropout_backward", "Dropout backward: reuse the mask",
        "Implement dropout's backward pass.",
        (
            "The forward pass is y = x·m/(1−p) with a fixed mask m, a linear map, so its gradient is the same "
            "map: dx = dy·m/(1−p).",
            (
                "Keep the mask from the forward pass and reuse it: drawing a new one in backward is the "
                "classic whiteboard bug.",
                "Dropped units pass no gradient; kept units pass it scaled by the same 1/(1−p).",
                "In eval mode forward is the identity, so backward is too.",
            ),
        ),
        "Same mask in forward and backward, and the same scale; no randomness in backward at all.",
        ("regviz.dropout.dropout_forward", "regviz.dropout.dropout_backward"),
    ),
)


# The sources the answers cite, listed on the page.
REFERENCES = (
    ("Ioffe & Szegedy 2015", "Batch Normalization: Accelerating Deep Network Training by Reducing Internal "
     "Covariate Shift. ICML 2015. arXiv:1502.03167"),
    ("Santurkar et al. 2018", "S. Santurkar, D. Tsipras, A. Ilyas, A. Madry. How Does Batch Normalization Help "
     "Optimization? NeurIPS 2018. arXiv:1805.11604"),
    ("Bjorck et al. 2018", "J. Bjorck, C. Gomes, B. Selman, K. Q. Weinberger. Understanding Batch Normalization. "
     "NeurIPS 2018. arXiv:1806.02375"),
    ("Ba, Kiros & Hinton 2016", "J. L. Ba, J. R. Kiros, G. E. Hinton. Layer Normalization. arXiv:1607.06450"),
    ("Srivastava et al. 2014", "N. Srivastava, G. Hinton, A. Krizhevsky, I. Sutskever, R. Salakhutdinov. "
     "Dropout: A Simple Way to Prevent Neural Networks from Overfitting. JMLR 15, 2014"),
    ("Tibshirani 1996", "R. Tibshirani. Regression Shrinkage and Selection via the Lasso. JRSS B 58, 1996"),
    ("Beck & Teboulle 2009", "A. Beck, M. Teboulle. A Fast Iterative Shrinkage-Thresholding Algorithm for "
     "Linear Inverse Problems. SIAM J. Imaging Sciences 2, 2009"),
)

BY_ID = {q.id: q for q in QUESTIONS}
BY_SCENE = {q.scene: q for q in QUESTIONS}
SCENE_NAMES = tuple(q.scene for q in QUESTIONS)  # Q1..Q5, the order of the page and of `render all`


def lookup(name):
    """The Question for a clip name ('dropout') or a question id ('Q2', 'q2'); KeyError if neither."""
    key = str(name).strip()
    return BY_SCENE.get(key) or BY_ID[key.upper()]
