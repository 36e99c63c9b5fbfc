"""The HTML report's stylesheet: readable on screen, and on A4 paper with each indicator kept whole.

Charts are drawn 680 px wide, the text width of an A4 page with 15 mm margins (180 mm at
96 px per inch), so they print at their own size and their 12 px texts stay 9 pt.
"""

STYLE = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1c2833;
       max-width: 720px; margin: 2em auto; padding: 0 1em; line-height: 1.4; }
h1 { font-size: 1.6em; margin: 0 0 .4em; }
h1 span { display: block; font-size: .75em; color: #1b4f72; }
h2 { font-size: 1.3em; border-bottom: 2px solid #1b4f72; padding-bottom: .15em; margin: 1.6em 0 .6em; }
h3 { font-size: 1.05em; margin: 0 0 .15em; }
h3 small { font-size: .9em; font-weight: normal; color: #566573; }
h4 { margin: .5em 0 .1em; font-size: .9em; color: #34495e; }
.unit { font-weight: normal; color: #566573; }
dl.header { display: grid; grid-template-columns: max-content 1fr; gap: .15em 1em; margin: 0 0 1em; }
dl.header dt { font-weight: bold; }
dl.header dd { margin: 0; }
p.absent { background: #fdf2e9; border-left: 4px solid #e67e22; padding: .5em .8em; }
p.lead { margin: .3em 0; }
ul.glance { padding-left: 1.2em; margin: .5em 0; }
ul.glance li { margin: .25em 0; }
.description { color: #34495e; margin: 0; font-size: .92em; }
.masked-chart { color: #566573; font-style: italic; font-size: .92em; margin: .2em 0 .4em; }
article.indicator { margin: 1.3em 0; }
figure { margin: .5em 0; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-size: 12px; fill: #1c2833; font-family: inherit; }
svg text.tag { fill: #566573; }
p.legend { margin: .2em 0 .1em; font-size: .9em; }
p.legend .key { white-space: nowrap; margin-right: .8em; }
p.legend .swatch { display: inline-block; width: .9em; height: .9em; vertical-align: -.1em;
                   margin-right: .3em;
                   -webkit-print-color-adjust: exact; print-color-adjust: exact; }
p.legend .swatch.withheld { background: #eaeded; border: 1px dashed #808b96; box-sizing: border-box; }
svg text.masked { fill: #566573; font-style: italic; }
@page { size: A4; margin: 15mm; }
@media print {
  html { font-size: 10pt; }
  body { max-width: none; margin: 0; padding: 0; }
  .cover { break-after: page; }
  h1 { margin-top: 0; }
  h2, h3, h4 { break-after: avoid; }
  figure, .opening, .notes p, ul.glance li { break-inside: avoid; }
  article.indicator { margin: .9em 0; }
  p.absent { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""
