//! The scanning core of `kensa detect DIR --format jsonl` without the CLI
//! (and without the AWS SDK the CLI links for `s3://` inputs): the same
//! library calls, for profiling and for benchmarking on machines where a
//! release build of the whole CLI is too slow to make.
//!
//! ```sh
//! cargo run --release -p kensa-detect --example detect_dir -- DIR [THREADS]
//! ```

use std::io::Write;
use std::path::PathBuf;

use kensa_detect::{Counters, Detector, TimeWindow, builtin_rules, log_files, sort_alerts};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: detect_dir DIR [THREADS]");
        std::process::exit(2);
    };
    let threads: usize = args.next().and_then(|t| t.parse().ok()).unwrap_or(0);
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("detect_dir: {e}");
            std::process::exit(2);
        }
    };
    let detector = Detector::new(builtin_rules(), TimeWindow::default());
    let counters = Counters::default();
    let (files, mut problems) = log_files(&[PathBuf::from(dir)]);
    let outcomes = pool.install(|| detector.scan_files(&files, &counters));
    let mut alerts = Vec::new();
    for outcome in outcomes {
        alerts.extend(outcome.alerts);
        problems.extend(outcome.problems);
    }
    sort_alerts(&mut alerts);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for alert in &alerts {
        if serde_json::to_writer(&mut out, alert).is_err() || writeln!(out).is_err() {
            std::process::exit(2);
        }
    }
    for problem in &problems {
        eprintln!("detect_dir: {problem}");
    }
    let code = if !problems.is_empty() {
        2
    } else if alerts.is_empty() {
        0
    } else {
        1
    };
    drop(out);
    std::process::exit(code);
}
