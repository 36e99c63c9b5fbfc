"""``export scores --format html``: one self-contained French report, the same data, masked groups as text."""

import json
from html.parser import HTMLParser


class Report(HTMLParser):
    """Collect what a reader sees: headings, chart texts, bars, whiskers, and every tag used."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.chart_texts: list[str] = []
        self.headings: dict[str, list[str]] = {"h1": [], "h2": [], "h3": [], "h4": []}
        self.definitions: list[str] = []
        self._open: list[str] = []
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)
        self._open.append(tag)
        if tag in ("text", *self.headings, "dt", "dd"):
            self._text = []

    def handle_endtag(self, tag):
        text = "".join(self._text).strip()
        if tag == "text":
            self.chart_texts.append(text)
        elif tag in self.headings:
            self.headings[tag].append(text)
        elif tag in ("dt", "dd"):
            self.definitions.append(text)
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data):
        if "title" not in self._open[-1:]:
            self._text.append(data)


def french(number: float) -> str:
    return repr(float(number)).replace(".", ",")


def export(admin, *options: str) -> tuple[Report, str, dict]:
    html = admin("export", "scores", "--format", "html", *options).out
    report = Report()
    report.feed(html)
    return report, html, json.loads(admin("export", "scores", "--format", "json", *options).out)


def test_the_report_is_self_contained_french_and_has_its_header(admin, dataset):
    report, html, document = export(admin)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="fr">' in html
    assert not {"script", "link", "img", "iframe", "object"} & set(report.tags)
    assert not [value for name, value in report.attributes if name in ("src", "href")]
    assert "url(" not in html and "@import" not in html
    header = dict(zip(report.definitions[::2], report.definitions[1::2], strict=True))
    assert header["Taille minimale des groupes (k)"] == "10 jeunes"
    assert header["Généré le"] == document["generated_at"]
    assert header["Référentiel"] == "voix-mecs/1"
    assert header["Périmètre"] == "tout"
    assert report.headings["h1"] == ["Indicateurs Voix par groupe"]
    assert "Sécurité (voix-mecs/1)" in report.headings["h2"]
    assert "Score de sécurité (safety_score)" in report.headings["h3"]
    assert "moins de 10 jeunes" in html


def test_every_published_value_is_shown_and_no_masked_one(admin, dataset):
    report, html, document = export(admin)
    rows = document["rows"]
    published = [row for row in rows if not row["suppressed"]]
    masked = [row for row in rows if row["suppressed"]]
    texts = report.chart_texts
    for row in published:
        interval = f"[{french(row['ci_low'])} ; {french(row['ci_high'])}]"
        assert f"{french(row['value'])} {interval} (n = {row['n']})" in texts, row
    masked_texts = [text for text in texts if text.startswith("masqué")]
    assert len(masked_texts) == len(masked)
    assert sorted(text.split(")")[0] for text in masked_texts) == sorted(
        f"masqué (n = {row['n']}" for row in masked
    )
    assert {text.split(" : ")[1] for text in masked_texts} == {"groupe trop petit", "masquage secondaire"}
    # One bar and one whisker per published row, none for a masked row.
    assert report.tags.count("rect") == len(published)
    assert report.tags.count("path") == len(published)
    assert "None" not in html and "nan" not in html


def test_one_chart_per_indicator_and_wave_in_scope(admin, dataset):
    report, _, document = export(admin, "--structure", "2", "--wave", "change")
    charts = {(row["indicator"], row["unit"]) for row in document["rows"]}
    assert report.tags.count("svg") == len(charts)
    names = {text.strip() for text in report.chart_texts}
    assert "Structure 0002" in names and not {"Structure 0001", "Structure 0003"} & names
    assert (
        report.headings["h4"].count(
            "Évolution T0 → T1 — part des jeunes (présents aux deux vagues) dont "
            "la valeur a augmenté (0 à 100)"
        )
        == len(charts) // 2
    )
