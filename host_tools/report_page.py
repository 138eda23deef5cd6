"""One self-contained HTML page (figures embedded as data: URIs) that reads on a phone: a title
with the date, big headline numbers, then sections of text, tables and figures. Only layout
lives here; what to say is decided by the report."""
import base64
import html

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:52em;
padding:1em;color:#222;line-height:1.45}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}
.sub{color:#666;margin:0 0 1em}
.cards{display:flex;flex-wrap:wrap;gap:.6em;margin:1em 0}
.card{flex:1 1 9em;background:#f4f7f4;border-radius:.5em;padding:.6em .8em}
.card b{display:block;font-size:1.6em}.card span{color:#555;font-size:.9em}
.note{background:#fff6e0;border-left:4px solid #e0a000;padding:.6em .9em;margin:1em 0}
img{max-width:100%;height:auto;display:block;margin:.6em 0}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.92em}
td{white-space:nowrap}td.long{white-space:normal;min-width:12em}
td,th{padding:.3em .5em;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
th{background:#fafafa}tr.test td{background:#fff8f0}
.k-upright{color:#c06000}.k-arch{color:#c00000}.k-overlean{color:#7030a0}
details{margin:1em 0}pre{white-space:pre-wrap;font-size:.85em;background:#f6f6f6;padding:.8em}
"""


def esc(text):
    return html.escape(str(text))


def cards(items):
    """[(value, caption)] as big numbers."""
    return "<div class='cards'>%s</div>" % "".join(
        "<div class='card'><b>%s</b><span>%s</span></div>" % (esc(v), esc(c)) for v, c in items)


def image(png, alt):
    return "<img alt='%s' src='data:image/png;base64,%s'>" % (esc(alt),
                                                           base64.b64encode(png).decode())


def note(text):
    return "<p class='note'>%s</p>" % esc(text)


def para(text):
    return "<p>%s</p>" % esc(text)


def table(header, rows, row_classes=None, long_columns=()):
    """A table that scrolls sideways on a narrow screen rather than squeezing every cell;
    long_columns (indexes) wrap instead."""
    head = "".join("<th>%s</th>" % esc(h) for h in header)
    body = []
    for i, row in enumerate(rows):
        cls = " class='%s'" % row_classes[i] if row_classes and row_classes[i] else ""
        body.append("<tr%s>%s</tr>" % (cls, "".join(
            ("<td class='long'>%s</td>" if j in long_columns else "<td>%s</td>") % esc(c)
            for j, c in enumerate(row))))
    return "<div class='scroll'><table><tr>%s</tr>%s</table></div>" % (head, "".join(body))


def details(summary, lines):
    return "<details><summary>%s</summary><pre>%s</pre></details>" % (
        esc(summary), esc("\n".join(lines)))


def page(title, subtitle, parts):
    return "\n".join([
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        "<title>%s</title><style>%s</style></head><body>" % (esc(title), _CSS),
        "<h1>%s</h1><p class='sub'>%s</p>" % (esc(title), esc(subtitle)),
    ] + list(parts) + ["</body></html>"])


def section(title, *parts):
    return "<h2>%s</h2>%s" % (esc(title), "".join(parts))
