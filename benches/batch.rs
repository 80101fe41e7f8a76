//! Benchmarks of batch screening and start-up (targets from issue 6):
//! - `candidacy batch` on 1,000,000 generated JSON Lines records: at least
//!   1,000,000 records a second on one core (in process, results written to
//!   a sink, so the figure is the engine's and not the terminal's);
//! - one non-interactive screening as a whole process: within 2 ms of an
//!   empty Rust program's start-up. The "empty program" is this benchmark
//!   binary started again with `CANDIDACY_BENCH_EMPTY=1`, which returns at
//!   the top of `main` before anything else runs.
//!
//! Run with `cargo bench --bench batch`; the README quotes the figures.

use std::io::{BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use candidacy::batch::{InputFormat, OutputFormat, run};
use candidacy::ruleset::RuleSet;
use candidacy::sample::{SampleFormat, SplitMix64, record};
use criterion::{Criterion, Throughput};

const RECORDS: u64 = 1_000_000;

fn batch(c: &mut Criterion) {
    let rules = RuleSet::embedded().expect("the built-in rules load");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("records.jsonl");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let mut rng = SplitMix64::new(2026);
    for number in 1..=RECORDS {
        writeln!(
            file,
            "{}",
            record(&rules, &mut rng, number, SampleFormat::JsonLines)
        )
        .expect("write");
    }
    file.flush().expect("flush");
    drop(file);

    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    group.throughput(Throughput::Elements(RECORDS));
    for jobs in [1, 2] {
        let name = format!("1,000,000 JSON Lines records, --jobs {jobs}");
        let jobs = std::num::NonZeroUsize::new(jobs).expect("not zero");
        group.bench_function(name, |b| {
            b.iter(|| {
                let input =
                    BufReader::with_capacity(1 << 16, std::fs::File::open(&path).expect("open"));
                let output = std::io::BufWriter::with_capacity(1 << 16, std::io::sink());
                run(
                    &rules,
                    input,
                    InputFormat::JsonLines,
                    output,
                    OutputFormat::JsonLines,
                    jobs,
                    &mut |_| {},
                )
                .expect("the batch runs")
                .records()
            })
        });
    }
    group.finish();
}

fn start_up(c: &mut Criterion) {
    let run_to_end = |command: &mut Command| {
        let status = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("the program starts");
        assert!(status.success());
    };
    let mut group = c.benchmark_group("start-up");
    group.bench_function("empty Rust program", |b| {
        let me = std::env::current_exe().expect("the benchmark's own path");
        b.iter(|| run_to_end(Command::new(&me).env("CANDIDACY_BENCH_EMPTY", "1")))
    });
    group.bench_function("candidacy, one screening from --answer flags, JSON", |b| {
        b.iter(|| {
            run_to_end(Command::new(env!("CARGO_BIN_EXE_candidacy")).args([
                "--format",
                "json",
                "--answer",
                "warning_signs=none",
                "--answer",
                "condition=knee-arthritis",
                "--answer",
                "duration=over-a-year",
                "--answer",
                "severity=moderate",
                "--answer",
                "imaging=moderate",
                "--answer",
                "age=54",
                "--answer",
                "active_infection=no",
                "--answer",
                "health=none",
                "--answer",
                "prior_treatments=rest,physical-therapy",
            ]))
        })
    });
    group.finish();
}

fn main() {
    if std::env::var_os("CANDIDACY_BENCH_EMPTY").is_some() {
        return;
    }
    let mut criterion = Criterion::default().configure_from_args();
    batch(&mut criterion);
    start_up(&mut criterion);
    criterion.final_summary();
}
