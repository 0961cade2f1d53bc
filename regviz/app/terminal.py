"""What the command line accepts and shows: clip names or question ids, tables that fit the terminal."""
import difflib
import shutil
import textwrap

import click

from .syllabus import QUESTIONS, lookup


class ClipChoice(click.Choice):
    """A clip, named by its clip name (`dropout`) or its question id (`Q2`, `q2`), or one of `extra` (`all`).
    Converts to the clip name (as="scene") or the question id (as="id"). An unknown name is a usage error
    (exit 2) that lists the valid ones and suggests the closest: "did you mean 'dropout'?"."""

    def __init__(self, extra=(), as_="scene"):
        self.extra, self.as_ = tuple(extra), as_
        names = [q.scene for q in QUESTIONS] if as_ == "scene" else [q.id for q in QUESTIONS]
        super().__init__([*names, *self.extra])

    def convert(self, value, param, ctx):
        if value in self.extra:
            return value
        try:
            return getattr(lookup(value), self.as_)
        except KeyError:
            pass
        known = [*(q.scene for q in QUESTIONS), *(q.id for q in QUESTIONS), *self.extra]
        close = difflib.get_close_matches(str(value).lower(), [k.lower() for k in known], n=1, cutoff=0.6)
        hint = f" Did you mean {known[[k.lower() for k in known].index(close[0])]!r}?" if close else ""
        valid = ", ".join(repr(c) for c in self.choices)
        self.fail(f"{value!r} is not one of {valid} (or a question id, Q1 to Q{len(QUESTIONS)}).{hint}", param, ctx)


def terminal_width():
    """Columns of the terminal (COLUMNS if set; 100 when output goes to a file or pipe)."""
    return shutil.get_terminal_size((100, 24)).columns


def table(header, rows, wrap, width=None):
    """Lines of a table whose column `wrap` (an index) is wrapped so each line fits `width` columns (the
    terminal's). header and rows are tuples of strings; a column is as wide as its widest cell."""
    width = width or terminal_width()
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    others = sum(w for i, w in enumerate(widths) if i != wrap) + 2 * (len(header) - 1)
    widths[wrap] = max(16, min(widths[wrap], width - others))  # never narrower than 16, if the terminal is tiny
    lines = []
    for row in [header, *rows]:
        pieces = textwrap.wrap(str(row[wrap]), widths[wrap]) or [""]
        for k, piece in enumerate(pieces):
            cells = [piece if i == wrap else (str(cell) if k == 0 else "") for i, cell in enumerate(row)]
            lines.append("  ".join(c.ljust(w) if i < len(row) - 1 else c
                                   for i, (c, w) in enumerate(zip(cells, widths))).rstrip())
    return lines


def writable_folder(folder, option):
    """Check, before any work, that `folder` (given by `option`) can take our files: one clean line if not
    (a usage error, exit 2, when the path runs through a file; exit 1 when the disk refuses)."""
    from .files import Unwritable, ensure_writable_folder

    try:
        ensure_writable_folder(folder)
    except Unwritable as exc:
        if exc.usage:
            raise click.BadParameter(str(exc), param_hint=f"'{option}'") from None
        raise click.ClickException(f"{option} {exc}") from None
