//! The HTML pages in a real browser: headless Chromium opens each page
//! offline, runs its script, and must see no script error, no console
//! message and no Content-Security-Policy violation. A screenshot of each
//! is kept under `$CARGO_TARGET_DIR/kensa-artifacts/` for people to look at.
//!
//! Needs Chromium: `KENSA_CHROMIUM`, else `chromium` on the PATH.
//! scripts/test installs Debian's and sets the variable. Without one the
//! test fails: it is never skipped.

mod fixture;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fixture::{artifacts_dir, demo_report, html, later_report, render};
use kensa_checks::Lang;
use scraper::{Html, Selector};

fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("KENSA_CHROMIUM") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "KENSA_CHROMIUM={} is not a file",
            path.display()
        );
        return path;
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
            .find(|candidate| candidate.is_file())
    });
    on_path.unwrap_or_else(|| {
        panic!(
            "no Chromium to test the HTML pages with: set KENSA_CHROMIUM to a Chromium binary, \
             or install Debian's `chromium` package (scripts/test does both)"
        )
    })
}

/// What Chromium printed and the page's DOM after its script ran.
#[derive(Debug)]
struct Visit {
    dom: String,
    /// Console messages (errors, CSP violations, logs) from Chromium's log.
    console: Vec<String>,
}

/// A browser that gets stuck must not hang the test run.
const BROWSER_GUARD: Duration = Duration::from_secs(120);

fn run_chromium(extra: &[&str], url: &str) -> (String, String) {
    let profile = tempfile::tempdir().expect("a fresh Chromium profile directory");
    let output = tempfile::tempdir().expect("a directory for Chromium's output");
    let (out_path, err_path) = (output.path().join("out"), output.path().join("err"));
    let mut command = Command::new(chromium());
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("create Chromium's stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("create Chromium's stderr file"));
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {command:?}: {e}"));
    let deadline = Instant::now() + BROWSER_GUARD;
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll Chromium") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{command:?} did not finish within {}s",
                BROWSER_GUARD.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    assert!(status.success(), "{command:?} failed ({status}):\n{stderr}");
    (stdout, stderr)
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Opens a page and returns its DOM after load and what it logged.
fn visit(page: &Path, fragment: &str) -> Visit {
    let (dom, log) = run_chromium(&["--dump-dom"], &format!("{}{fragment}", file_url(page)));
    let console = log
        .lines()
        .filter(|line| line.contains(":CONSOLE"))
        .map(str::to_owned)
        .collect();
    Visit { dom, console }
}

fn screenshot(page: &Path, png: &Path) {
    run_chromium(
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,2200",
            "--hide-scrollbars",
        ],
        &file_url(page),
    );
    let bytes = std::fs::read(png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is not a PNG",
        png.display()
    );
    println!("screenshot: {}", png.display());
}

fn root_attr(dom: &Html, name: &str) -> Option<String> {
    let html = Selector::parse("html").expect("a valid selector");
    dom.select(&html)
        .next()
        .and_then(|e| e.value().attr(name))
        .map(str::to_owned)
}

/// The page rendered, its script ran to the end, and nothing went wrong.
fn assert_clean(visit: &Visit, what: &str) {
    let dom = Html::parse_document(&visit.dom);
    assert_eq!(
        root_attr(&dom, "data-kensa-ready").as_deref(),
        Some("true"),
        "{what}: the page's script did not finish:\n{}",
        visit.dom.chars().take(2000).collect::<String>()
    );
    assert_eq!(
        root_attr(&dom, "data-js-error"),
        None,
        "{what}: script error"
    );
    assert_eq!(
        root_attr(&dom, "data-csp-violation"),
        None,
        "{what}: CSP violation"
    );
    assert!(
        visit.console.is_empty(),
        "{what}: console messages:\n{}",
        visit.console.join("\n")
    );
}

fn write_page(name: &str, page: &str) -> PathBuf {
    let path = artifacts_dir().join(name);
    std::fs::write(&path, page).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    path
}

#[test]
fn report_renders_cleanly_in_chromium_in_both_languages() {
    let report = demo_report();
    for (lang, code) in [(Lang::En, "en"), (Lang::Ja, "ja")] {
        let page = write_page(&format!("report-{code}.html"), &html(&report, lang));
        let loaded = visit(&page, "");
        assert_clean(&loaded, &page.display().to_string());
        let dom = Html::parse_document(&loaded.dom);
        // With script, the filters show and every finding is still shown.
        let hidden_form = Selector::parse("form#filters[hidden]").expect("a valid selector");
        assert_eq!(
            dom.select(&hidden_form).count(),
            0,
            "the filters stay hidden"
        );
        let hidden = Selector::parse("article.finding[hidden]").expect("a valid selector");
        assert_eq!(dom.select(&hidden).count(), 0);
        screenshot(&page, &artifacts_dir().join(format!("report-{code}.png")));
    }
}

#[test]
fn filters_hide_what_does_not_match() {
    let report = demo_report();
    let page = write_page("report-filtered.html", &html(&report, Lang::En));
    // The fragment presets the filters, as a shared link would.
    let loaded = visit(&page, "#status=FAIL&region=global");
    assert_clean(&loaded, "filtered report");
    let dom = Html::parse_document(&loaded.dom);
    let shown = Selector::parse("article.finding:not([hidden])").expect("a valid selector");
    let expected = report
        .findings
        .iter()
        .filter(|f| f.status == kensa_checks::Status::Fail && f.resource.region == "global")
        .count();
    assert!(expected > 0);
    let shown: Vec<_> = dom.select(&shown).collect();
    assert_eq!(shown.len(), expected);
    for f in shown {
        assert_eq!(f.value().attr("data-status"), Some("FAIL"));
        assert_eq!(f.value().attr("data-region"), Some("global"));
    }
    let total = Selector::parse("#shown-total").expect("a valid selector");
    let total: String = dom.select(&total).flat_map(|e| e.text()).collect();
    assert_eq!(total, expected.to_string());
}

#[test]
fn diff_renders_cleanly_in_chromium_in_both_languages() {
    let diff = kensa_report::diff(&demo_report(), &later_report());
    for (lang, code) in [(Lang::En, "en"), (Lang::Ja, "ja")] {
        let page = render(|out| kensa_report::render_diff_html(&diff, lang, out));
        let page = write_page(&format!("diff-{code}.html"), &page);
        assert_clean(&visit(&page, ""), &page.display().to_string());
        screenshot(&page, &artifacts_dir().join(format!("diff-{code}.png")));
    }
}

/// The harness itself: a page that breaks the policy and throws is caught.
#[test]
fn the_browser_check_catches_loads_and_errors() {
    let page = html(&demo_report(), Lang::En).replace(
        "</body>",
        "<img src=\"https://kensa.invalid/x.png\"><script>null.boom;</script></body>",
    );
    let page = write_page("report-broken.html", &page);
    let loaded = visit(&page, "");
    let dom = Html::parse_document(&loaded.dom);
    let violation = root_attr(&dom, "data-csp-violation").unwrap_or_default();
    assert!(violation.contains("kensa.invalid"), "{violation:?}");
    assert!(root_attr(&dom, "data-js-error").is_some());
    assert!(
        loaded
            .console
            .iter()
            .any(|l| l.contains("Content Security Policy")),
        "{:#?}",
        loaded.console
    );
}
