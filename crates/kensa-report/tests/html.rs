//! The HTML report (and the diff's HTML page): exact output, nothing
//! loaded from anywhere, everything escaped.

mod fixture;

use fixture::{demo_report, html, later_report, render};
use kensa_checks::{Lang, Status};
use scraper::{Html, Selector};

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e}"));
    doc.select(&selector).collect()
}

#[test]
fn html_english() {
    insta::assert_snapshot!(html(&demo_report(), Lang::En));
}

#[test]
fn html_japanese() {
    insta::assert_snapshot!(html(&demo_report(), Lang::Ja));
}

/// Everything a page could fetch something with: it must have none, and
/// its policy must forbid every load.
fn assert_loads_nothing(page: &str) {
    let doc = Html::parse_document(page);
    let loaders = select(
        &doc,
        "[src], [srcset], [poster], [data], [action], [formaction], [background], link, iframe, \
         frame, object, embed, base, audio, video, source, track, img, image, use",
    );
    let found: Vec<String> = loaders.iter().map(|e| e.html()).collect();
    assert!(found.is_empty(), "elements that load: {found:#?}");
    for a in select(&doc, "[href]") {
        let href = a.value().attr("href").unwrap_or("");
        assert!(
            href.starts_with('#'),
            "a link that leaves the page: {}",
            a.html()
        );
    }
    for style in select(&doc, "style, [style]") {
        let css = style.html().to_lowercase();
        assert!(
            !css.contains("url(") && !css.contains("@import"),
            "CSS that loads: {css}"
        );
    }
    for script in select(&doc, "script") {
        let js = script.inner_html();
        for api in [
            "fetch(",
            "XMLHttpRequest",
            "import(",
            "WebSocket",
            "EventSource",
            "sendBeacon",
        ] {
            assert!(!js.contains(api), "script that loads ({api}): {js}");
        }
        assert!(!js.contains("http://") && !js.contains("https://"), "{js}");
    }
    let csp = select(&doc, "meta[http-equiv=\"Content-Security-Policy\"]");
    assert_eq!(csp.len(), 1);
    let policy = csp[0].value().attr("content").unwrap_or("");
    assert!(policy.starts_with("default-src 'none';"), "{policy}");
    assert!(policy.contains("img-src data:"), "{policy}");
}

#[test]
fn pages_load_nothing_from_anywhere() {
    let report = demo_report();
    for lang in [Lang::En, Lang::Ja] {
        assert_loads_nothing(&html(&report, lang));
        let diff = kensa_report::diff(&report, &later_report());
        assert_loads_nothing(&render(|out| {
            kensa_report::render_diff_html(&diff, lang, out)
        }));
    }
}

#[test]
fn the_language_is_declared_and_used() {
    let report = demo_report();
    let en = Html::parse_document(&html(&report, Lang::En));
    let ja = Html::parse_document(&html(&report, Lang::Ja));
    assert_eq!(select(&en, "html")[0].value().attr("lang"), Some("en"));
    assert_eq!(select(&ja, "html")[0].value().attr("lang"), Some("ja"));
    let h1 = |doc: &Html| select(doc, "h1")[0].text().collect::<String>();
    assert_eq!(h1(&en), "kensa audit report");
    assert_eq!(h1(&ja), "kensa 監査レポート");
    // Check titles and remediation come from the registry, in the language.
    let mfa = kensa_checks::registry::find("iam-console-user-mfa").expect("a known check");
    let ja_text = select(&ja, "body")[0].text().collect::<String>();
    assert!(ja_text.contains(mfa.meta.title.ja));
    // Commands between backticks are shown as code, without the backticks.
    let plain = |s: &str| s.replace('`', "");
    assert!(ja_text.contains(&plain(mfa.meta.remediation.ja)));
    assert!(!ja_text.contains(&plain(mfa.meta.remediation.en)));
}

#[test]
fn summary_counts_every_finding_and_defines_compliance() {
    let report = demo_report();
    let doc = Html::parse_document(&html(&report, Lang::En));
    let total = select(&doc, "table.summary tr.total td");
    let cells: Vec<String> = total.iter().map(|c| c.text().collect::<String>()).collect();
    let count = |s: Status| report.summary.count(s).to_string();
    assert_eq!(
        cells[..7],
        [
            "All findings".to_owned(),
            count(Status::Fail),
            count(Status::Error),
            count(Status::Manual),
            count(Status::Pass),
            count(Status::NotApplicable),
            count(Status::Suppressed),
        ]
    );
    // PASS / (PASS + FAIL + ERROR), rounded down to a tenth.
    let (pass, fail, error) = (
        report.summary.count(Status::Pass),
        report.summary.count(Status::Fail),
        report.summary.count(Status::Error),
    );
    let tenths = pass * 1000 / (pass + fail + error);
    assert_eq!(cells[7], format!("{}.{}%", tenths / 10, tenths % 10));
    assert_eq!(
        select(&doc, "table.summary svg.bar").len(),
        7,
        "one bar per section and the total"
    );
    let definition = select(&doc, "p.definition")[0].text().collect::<String>();
    assert!(definition.starts_with("Compliance = PASS / (PASS + FAIL + ERROR)"));
    // Every finding is on the page once, problems first.
    let findings = select(&doc, "article.finding");
    assert_eq!(findings.len(), report.findings.len());
    let statuses: Vec<&str> = findings
        .iter()
        .map(|f| f.value().attr("data-status").unwrap_or(""))
        .collect();
    let rank = |s: &str| {
        [
            "FAIL",
            "ERROR",
            "MANUAL",
            "PASS",
            "NOT_APPLICABLE",
            "SUPPRESSED",
        ]
        .iter()
        .position(|x| *x == s)
        .unwrap_or(usize::MAX)
    };
    assert!(
        statuses.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
        "{statuses:?}"
    );
    // The filters start hidden so that, without script, nothing is hidden.
    assert!(
        select(&doc, "form#filters")[0]
            .value()
            .attr("hidden")
            .is_some()
    );
}

#[test]
fn hostile_names_are_shown_as_text() {
    let mut report = demo_report();
    let hostile = "<script>alert('owned')</script>\"><img src=x onerror=alert(1)>";
    report.findings[0].resource.name = Some(hostile.to_owned());
    report.findings[0].resource.region = "\"><b>region</b>".to_owned();
    report.findings[0].message.en = format!("User {hostile} is bad");
    report.findings[0].evidence = serde_json::json!({ "user": hostile });
    let page = html(&report, Lang::En);
    assert!(!page.contains("<script>alert"), "unescaped script");
    assert!(!page.contains("<img"), "unescaped image");
    assert!(!page.contains("<b>region"), "unescaped region");
    assert!(page.contains(
        "&lt;script&gt;alert('owned')&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
    ));
    let doc = Html::parse_document(&page);
    assert_eq!(select(&doc, "script").len(), 2, "only kensa's own scripts");
    assert_eq!(select(&doc, "img, b").len(), 0);
    let names: Vec<String> = select(&doc, "article.finding dd strong")
        .iter()
        .map(|e| e.text().collect())
        .collect();
    assert!(
        names.iter().any(|n| n == hostile),
        "the name reads as written"
    );
    assert_loads_nothing(&page);
}

#[test]
fn suppressed_findings_show_their_exception() {
    let report = later_report();
    for (lang, words) in [
        (
            Lang::En,
            [
                "Accepted exception",
                "Reason",
                "Approved by",
                "Expires (last day, UTC)",
            ],
        ),
        (
            Lang::Ja,
            [
                "承認済みの例外",
                "理由",
                "承認者",
                "有効期限（最終日, UTC）",
            ],
        ),
    ] {
        let doc = Html::parse_document(&html(&report, lang));
        let suppressed = select(&doc, "article.finding[data-status=\"SUPPRESSED\"]");
        assert_eq!(suppressed.len(), 1);
        let text: String = suppressed[0].text().collect();
        for w in words {
            assert!(text.contains(w), "{w} missing in {text}");
        }
        for value in [
            "portal-alb-flows",
            "Flows reviewed with the portal team",
            "security@example.com",
            "2027-03-31",
        ] {
            assert!(text.contains(value), "{value} missing in {text}");
        }
        // Folded with the passes, not among the problems.
        assert_eq!(
            select(
                &doc,
                "details.group[data-group=\"SUPPRESSED\"] article.finding"
            )
            .len(),
            1
        );
    }
}
