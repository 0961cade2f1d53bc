"""The study page draws each demonstrated claim's evidence (verify.json's numbers) as an inline SVG chart."""
import json
import re

import pytest

from regviz import experiments
from regviz.app.charts import evidence_chart, line_chart
from regviz.app.page import build_page, declared_claims


def test_a_chart_places_points_by_value_and_marks_diverged_runs():
    svg = line_chart([("a", "a", [1, 2, 3], [0.0, 1.0, float("inf")], "line")], "x", "y", y_max=2.0)
    circles = [(float(x), float(y)) for x, y in re.findall(r'<circle class="a" cx="([\d.]+)" cy="([\d.]+)"', svg)]
    assert len(circles) == 2 and circles[0][0] < circles[1][0] and circles[0][1] > circles[1][1]  # up is larger
    assert svg.count('<path class="a"') == 1  # the inf is drawn, as a cross at the top, not dropped


@pytest.mark.parametrize("kind, run", [
    ("subgradient", lambda: experiments.subgradient_vs_prox(0, steps=100)),
    ("padding_swing", lambda: experiments.padding_swing(0, draws=20)),
    ("batch_noise", lambda: experiments.batch_noise(0, draws=30)),
])
def test_each_kind_of_evidence_has_a_chart_and_a_caption(kind, run):
    svg, caption = evidence_chart({"kind": kind, "runs": [run()], "held": "1 of 1 seeds"})
    assert svg.startswith("<svg") and svg.endswith("</svg>") and len(caption.split()) > 10


def test_the_page_shows_kinds_charts_and_references(tmp_path):
    claims = declared_claims()
    demonstrated = [(q, text) for q, text, _, kind in claims if kind == "demonstrated"]
    result = experiments.subgradient_vs_prox(0, steps=100)
    doc = {"regviz": "test", "date": "2026-11-30T00:00:00+00:00", "machine": "test", "passed": True, "seconds": 1,
           "claims": [{"question": q, "claim": text, "passed": True, "examples": 1, "seconds": 0.1,
                       "kind": kind, "failure": "", "tests": [], "evidence":
                       [{"kind": "subgradient", "runs": [result], "held": "10 of 10 seeds", "threshold": "10 of 10"}]
                       if (q, text) == demonstrated[-1] else []}
                      for q, text, _, kind in claims]}
    (tmp_path / "verify.json").write_text(json.dumps(doc))
    html = build_page(tmp_path).read_text()
    assert html.count('class="badge kind demonstrated"') >= len(demonstrated)
    assert html.count('class="badge kind proved"') >= len(claims) - len(demonstrated)
    assert html.count('<svg class="chart"') == 1 and "Held in 10 of 10 seeds" in html
    assert "Santurkar et al. 2018" in html and "arXiv:1805.11604" in html  # the references
