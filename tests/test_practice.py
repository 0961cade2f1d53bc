"""`regviz practice`: the exercises are listed, starters written once and never overwritten."""
import ast

import pytest
from click.testing import CliRunner

from regviz.app.cli import main
from regviz.app.practice import EXERCISES, NAMES, starter


def test_practice_alone_lists_every_exercise():
    result = CliRunner().invoke(main, ["practice"])
    assert result.exit_code == 0
    for name in NAMES:
        assert name in result.output


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_practice_writes_a_starter_that_defines_the_contract_and_never_overwrites(exercise, tmp_path):
    folder = tmp_path / "practice"
    result = CliRunner().invoke(main, ["practice", exercise.name, "--dir", str(folder)])
    path = folder / f"{exercise.name}.py"
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == str(path)  # the last line is what was written
    tree = ast.parse(path.read_text())
    defined = {n.name for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef))}
    assert set(exercise.defines) <= defined
    assert f"regviz check practice/{exercise.name}.py" in ast.get_docstring(tree)
    path.write_text("# my work\n")
    again = CliRunner().invoke(main, ["practice", exercise.name, "--dir", str(folder)])
    assert again.exit_code == 0 and "kept" in again.output
    assert path.read_text() == "# my work\n"


def test_starters_state_the_conventions():
    assert "probability of DROPPING" in starter("dropout")
    assert "UNBIASED" in starter("batchnorm") and "momentum = 0.1 weights the NEW batch" in starter("batchnorm")
    assert "LAST axis" in starter("layernorm")
    assert "exact zeros" in starter("lasso")


def test_the_page_asks_first_reveals_the_answer_on_demand_and_offers_practice(tmp_path):
    from regviz.app.page import build_page
    from regviz.app.syllabus import QUESTIONS

    html = build_page(tmp_path).read_text()
    for q in QUESTIONS:
        start = html.index(f'<section id="{q.id.lower()}"')
        section = html[start:html.index("</section>", start)]
        question, reveal = section.index('class="question"'), section.index('<details class="reveal">')
        answer, closed = section.index('class="answer"'), section.index("</details>", reveal)
        assert question < reveal < answer < closed  # the answer sits inside the reveal, after the question
        assert section.index('class="trap"') < closed and "<details class=\"reveal\" open" not in section
        exercise = next(e for e in EXERCISES if q.id in e.questions)
        box = section[section.index('class="practise"'):]
        assert f"regviz practice {exercise.name}" in box and f"regviz check practice/{exercise.name}.py" in box
    assert "<script" not in html
