"""`regviz verify` runs the claim-marked tests of the suite (no copy) and reports each claim."""
import json
import subprocess
import sys
import textwrap

from regviz.app.page import declared_claims


def regviz(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "regviz", *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_verify_reports_every_claim_of_a_question(tmp_path):
    out = tmp_path / "verify.json"
    proc = regviz("verify", "--question", "Q5", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = json.loads(out.read_text())
    expected = {text for q, text, _, _ in declared_claims() if q == "Q5"}
    assert {c["claim"] for c in doc["claims"]} == expected and len(expected) >= 2
    assert doc["passed"] and all(c["passed"] and c["examples"] >= 1 for c in doc["claims"])
    assert any(c["examples"] >= 50 for c in doc["claims"])  # Hypothesis' examples, counted
    for text in expected:
        assert text in proc.stdout
    assert f"{len(expected)} of {len(expected)} claims hold" in proc.stdout


def claim_tests(tmp_path):
    """A folder of two claim tests: one false (Hypothesis finds n=100), one true."""
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "conftest.py").write_text(textwrap.dedent('''
        def pytest_configure(config):
            config.addinivalue_line("markers", "claim(question, text): a claim")
    '''))
    (tests / "test_wrong.py").write_text(textwrap.dedent('''
        import pytest
        from hypothesis import given, strategies as st

        @pytest.mark.claim("Q2", "Every integer is below 100")
        @given(st.integers())
        def test_integers_are_small(n):
            assert n < 100

        @pytest.mark.claim("Q2", "Addition commutes")
        @given(st.integers(), st.integers())
        def test_addition_commutes(a, b):
            assert a + b == b + a
    '''))
    return tests


def test_a_failing_claim_exits_1_with_its_falsifying_example(tmp_path):
    tests = claim_tests(tmp_path)
    proc = regviz("verify", "--tests", str(tests), "--out", str(tmp_path))
    assert proc.returncode == 1
    assert "Every integer is below 100: FAILED" in proc.stdout
    assert "n=100" in proc.stdout  # Hypothesis' shrunk falsifying example
    assert "1 of 2 claims hold" in proc.stdout
    doc = json.loads((tmp_path / "verify.json").read_text())
    assert [c["passed"] for c in doc["claims"]] == [False, True]


def test_every_question_has_claims_and_the_readme_lists_them():
    claims = declared_claims()
    assert {q for q, _, _, _ in claims} == {"Q1", "Q2", "Q3", "Q4", "Q5"}
    assert {kind for _, _, _, kind in claims} == {"proved", "demonstrated"}
    from pathlib import Path

    readme = (Path(__file__).parents[1] / "README.md").read_text()
    for _, text, test, kind in claims:
        assert f"| {kind} | `{test}` |" in readme, f"README's claims table lacks {test} ({kind})"


def test_verify_writes_where_the_page_reads_and_leaves_the_working_folder_alone(tmp_path):
    """verify --out DIR writes DIR/verify.json, which `regviz page --out DIR` shows; Hypothesis' database
    goes to the cache folder, not into the folder verify was run from."""
    from regviz.app.page import build_page

    tests = claim_tests(tmp_path)
    work, out, cache = tmp_path / "work", tmp_path / "site", tmp_path / "cache"
    work.mkdir()
    proc = regviz("verify", "--tests", str(tests), "--out", str(out), "--cache", str(cache), "--profile", "dev",
                  cwd=work)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # the claim fails: Hypothesis saves its example
    assert list(work.iterdir()) == []  # no .hypothesis/ (nor anything else) where verify was run
    assert list((cache / "hypothesis").rglob("*"))  # the falsifying example, in the cache folder
    assert {c["claim"] for c in json.loads((out / "verify.json").read_text())["claims"]} == {
        "Every integer is below 100", "Addition commutes"}
    page = build_page(out).read_text(encoding="utf-8")
    assert "Claims last verified" in page and "1 failed" in page
    assert "older than the code" not in page


def test_the_page_says_when_its_results_are_older_than_the_code(tmp_path):
    from regviz.app.page import build_page
    from regviz.app.verify import source_hash

    assert "run <code>regviz verify --out " in build_page(tmp_path).read_text(encoding="utf-8")  # never run yet
    doc = {"regviz": "0", "date": "2026-01-01T00:00:00+00:00", "machine": "m", "passed": True, "claims": [],
           "source": source_hash()}
    (tmp_path / "verify.json").write_text(json.dumps(doc))
    assert "older than the code" not in build_page(tmp_path).read_text(encoding="utf-8")
    (tmp_path / "verify.json").write_text(json.dumps({**doc, "source": "the hash of an earlier core"}))
    page = build_page(tmp_path).read_text(encoding="utf-8")
    assert "older than the code" in page and f"regviz verify --out {tmp_path.as_posix()}" in page
