"""The reference code a learner sees, read from the core's source: for the study page and the clips.

A listing is a function's source as a candidate would write it on a whiteboard: without its docstring
and decorators (the boundary checks), dedented. Each line keeps its line number in the source file, so a
clip can highlight the line that really runs (the tests trace the function to check it). No Manim here:
the app imports this module to build the page.
"""
import ast
import importlib
import inspect
import io
import textwrap
import tokenize
from dataclasses import dataclass


@dataclass(frozen=True)
class Listing:
    name: str  # "regviz.dropout.dropout_forward"
    lines: tuple  # the code, one string per line
    numbers: tuple  # each line's number in the source file (1-based), as sys.settrace reports it
    path: str  # the source file

    @property
    def text(self):
        return "\n".join(self.lines)

    @property
    def code(self):
        """The lines without their trailing comments (a clip's code panel: the captions explain)."""
        return tuple(strip_comment(line) for line in self.lines)

    def find(self, fragment, exact=False):
        """The index (0-based, in this listing) of the one line whose code contains `fragment` (or, with
        exact, whose code without indentation is `fragment`)."""
        hits = [i for i, line in enumerate(self.code) if (line.strip() == fragment if exact else fragment in line)]
        if len(hits) != 1:
            raise ValueError(f"{fragment!r} is on {len(hits)} lines of {self.name}, expected exactly 1")
        return hits[0]


def strip_comment(line):
    """`line` without a trailing `# comment` (a '#' inside a string literal stays)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(line.strip() + "\n").readline))
    except (tokenize.TokenError, IndentationError):
        return line.rstrip()
    comments = [t for t in tokens if t.type == tokenize.COMMENT]
    if not comments:
        return line.rstrip()
    indent = len(line) - len(line.lstrip())
    return line[: indent + comments[0].start[1]].rstrip()


def resolve(dotted):
    """The object named by a dotted path such as 'regviz.dropout.dropout_forward'."""
    module_name, _, attr = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), attr)


def listing(dotted):
    """The Listing of the function named by `dotted` (its source minus docstring and decorators)."""
    func = inspect.unwrap(resolve(dotted))
    source, first = inspect.getsourcelines(func)
    tree = ast.parse(textwrap.dedent("".join(source)))
    node = tree.body[0]
    skip = set()
    for deco in node.decorator_list:  # decorators: the argument checks at the boundary
        skip.update(range(deco.lineno, deco.end_lineno + 1))
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
            and isinstance(body[0].value.value, str):
        skip.update(range(body[0].lineno, body[0].end_lineno + 1))
    kept = [(i, line.rstrip("\n")) for i, line in enumerate(source, start=1) if i not in skip]
    text = textwrap.dedent("\n".join(line for _, line in kept))
    return Listing(dotted, tuple(text.split("\n")), tuple(first - 1 + i for i, _ in kept), inspect.getsourcefile(func))
