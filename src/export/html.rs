//! A self-contained HTML report: one file, no scripts, no network. A summary of
//! the claims by status as an inline SVG bar chart, then a card per claim with its
//! words in the article, the verdict and rationale, the reviewers, and each
//! evidence quote in its context with the snapshot's hash, capture time and figure
//! check. Every piece of user text is escaped, and a Content-Security-Policy that
//! allows no script and no fetch makes sure of it.

use super::{verdict_words, Case, Gathered};
use crate::anchor::Anchor;
use crate::review::Status;
use std::fmt::Write;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{margin-bottom:.2rem}.meta{color:#555}
.claim{border:1px solid #ccc;border-radius:8px;padding:1rem 1.2rem;margin:1.2rem 0}
.claim h3{margin:0 0 .4rem}.badge{font-size:.8rem;padding:.1rem .5rem;border-radius:1rem;background:#ddd;margin-left:.5rem;vertical-align:middle}
.s-verified{background:#cfe9d3}.s-disputed,.s-false{background:#f6c9c9}.s-misleading{background:#f5e3b5}.s-in-review{background:#cde3f5}
blockquote{margin:.5rem 0;padding:.4rem .8rem;border-left:4px solid #bbb;background:#f7f7f7}
mark{background:#ffe27a;padding:0 .1rem}.verdict{margin:.6rem 0}.evidence li{margin:.6rem 0}
.stance{font-weight:600}.stance-supports{color:#1f6b2c}.stance-disputes{color:#a12222}.stance-context{color:#555}
.hash{font-family:ui-monospace,monospace;font-size:.85rem;color:#444}.stale{color:#a12222;font-weight:600}
";

fn context(a: &Anchor) -> String {
    let lead = if a.prefix.is_empty() { "" } else { "…" };
    let tail = if a.suffix.is_empty() { "" } else { "…" };
    format!(
        "<blockquote>{lead}{}<mark>{}</mark>{}{tail}</blockquote>",
        escape(&a.prefix),
        escape(&a.exact),
        escape(&a.suffix)
    )
}

/// The summary chart: one bar per status with its count.
fn chart(cases: &[Case]) -> String {
    let statuses = Status::ALL;
    let counts: Vec<usize> = statuses
        .iter()
        .map(|s| cases.iter().filter(|c| c.status == *s).count())
        .collect();
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let (bar_h, gap, label_w, width) = (22, 8, 110, 520);
    let height = statuses.len() * (bar_h + gap) + gap;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Claims by status\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">"
    );
    for (i, (s, n)) in statuses.iter().zip(&counts).enumerate() {
        let y = gap + i * (bar_h + gap);
        let w = (width - label_w - 60) * n / max;
        let color = match s {
            Status::Verified => "#5aa469",
            Status::Disputed | Status::False => "#c94c4c",
            Status::Misleading => "#d9a93a",
            Status::InReview => "#4c8fc9",
            _ => "#9a9a9a",
        };
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{ty}\" font-size=\"13\">{name}</text><rect class=\"bar\" data-status=\"{name}\" x=\"{label_w}\" y=\"{y}\" width=\"{w}\" height=\"{bar_h}\" fill=\"{color}\"/><text x=\"{tx}\" y=\"{ty}\" font-size=\"13\">{n}</text>",
            ty = y + 16,
            name = s.as_str(),
            tx = label_w + w + 6,
        );
    }
    svg.push_str("</svg>");
    svg
}

pub fn report(g: &Gathered, title: &str, generated_at: &str) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n",
        escape(title)
    );
    let _ = writeln!(
        h,
        "<header><h1>{}</h1><p class=\"meta\">{} claims · generated {} by claimtrail {}</p></header>",
        escape(title),
        g.cases.len(),
        escape(generated_at),
        env!("CARGO_PKG_VERSION")
    );
    let _ = write!(h, "<section id=\"summary\"><h2>Claims by status</h2>{}</section>\n<section id=\"claims\"><h2>Claims</h2>\n", chart(&g.cases));
    for c in &g.cases {
        let _ = write!(
            h,
            "<article class=\"claim\" id=\"{id}\"><h3>{id}<span class=\"badge s-{status}\">{status}</span></h3>\
             <p class=\"claim-text\">{text}</p>",
            id = c.id,
            status = c.status.as_str(),
            text = escape(&c.text)
        );
        if let (Some(a), Some(d)) = (&c.anchor, c.doc) {
            let title = g.documents.get(&d).map(|d| d.title.as_str()).unwrap_or("");
            let _ = write!(
                h,
                "<p class=\"meta\">In {d} “{}”, characters {}–{}:</p>{}",
                escape(title),
                a.start,
                a.end,
                context(a)
            );
        }
        match c.verdict {
            Some(v) => {
                let _ = write!(
                    h,
                    "<div class=\"verdict\"><strong>Verdict: {}</strong> — {}<br><span class=\"meta\">proposed by {}, confirmed by {} on {}</span></div>",
                    verdict_words(v),
                    escape(c.rationale.as_deref().unwrap_or("")),
                    escape(c.proposed_by.as_deref().unwrap_or("?")),
                    escape(c.confirmed_by.as_deref().unwrap_or("?")),
                    escape(c.confirmed_at.as_deref().unwrap_or("?"))
                );
            }
            None => {
                let _ = write!(
                    h,
                    "<div class=\"verdict meta\">No verdict in force ({}).</div>",
                    verdict_words(c.status)
                );
            }
        }
        if !c.evidence.is_empty() {
            h.push_str("<ul class=\"evidence\">");
            for e in &c.evidence {
                let r = &e.row;
                let _ = write!(
                    h,
                    "<li><span class=\"stance stance-{s}\">{s}</span> {id} — {snap} of <a href=\"{url}\" rel=\"noreferrer\">{title}</a><br>\
                     <span class=\"hash\">sha256 {sha}</span> · captured {at}{context}\
                     <span class=\"meta\">figures: {figures}</span>{note}{stale}</li>",
                    s = r.stance.as_str(),
                    id = r.id,
                    snap = r.snapshot,
                    url = escape(&if e.url.contains("://") { e.url.clone() } else { format!("file://{}", e.url) }),
                    title = escape(e.source_title.as_deref().unwrap_or(&e.url)),
                    sha = r.snapshot_sha256,
                    at = escape(&r.fetched_at),
                    context = context(&r.anchor),
                    figures = escape(r.figures["status"].as_str().unwrap_or("")),
                    note = r
                        .note
                        .as_deref()
                        .map(|n| format!("<br><span class=\"meta\">note: {}</span>", escape(n)))
                        .unwrap_or_default(),
                    stale = r
                        .stale
                        .as_deref()
                        .map(|why| format!("<br><span class=\"stale\">stale: {}</span>", escape(why)))
                        .unwrap_or_default(),
                );
            }
            h.push_str("</ul>");
        }
        h.push_str("</article>\n");
    }
    h.push_str("</section></body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_no_markup() {
        assert_eq!(
            escape("<script>alert(\"x\")</script> & 'y'"),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }
}
