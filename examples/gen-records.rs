//! Writes N reproducible synthetic intake records for `candidacy batch`,
//! about one in twenty invalid on purpose:
//!
//! ```sh
//! cargo run --release --example gen-records -- 1000000 > records.jsonl
//! cargo run --release --example gen-records -- 1000 --csv --seed 7 > records.csv
//! ```
//!
//! The same count and seed (default 2026) give the same file everywhere.

use std::io::Write;

use candidacy::ruleset::RuleSet;
use candidacy::sample::{SampleFormat, SplitMix64, csv_header, record};

fn main() -> anyhow::Result<()> {
    let mut count = None;
    let mut seed = 2026;
    let mut format = SampleFormat::JsonLines;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--csv" => format = SampleFormat::Csv,
            "--seed" => {
                let value = args
                    .next()
                    .ok_or_else(|| anyhow::anyhow!("--seed needs a number"))?;
                seed = value.parse()?;
            }
            n => {
                count = Some(
                    n.parse::<u64>()
                        .map_err(|_| anyhow::anyhow!("usage: gen-records N [--seed S] [--csv]"))?,
                )
            }
        }
    }
    let count = count.ok_or_else(|| anyhow::anyhow!("usage: gen-records N [--seed S] [--csv]"))?;
    let rules = RuleSet::embedded()?;
    let mut rng = SplitMix64::new(seed);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if format == SampleFormat::Csv {
        writeln!(out, "{}", csv_header(&rules))?;
    }
    for number in 1..=count {
        writeln!(out, "{}", record(&rules, &mut rng, number, format))?;
    }
    out.flush()?;
    Ok(())
}
