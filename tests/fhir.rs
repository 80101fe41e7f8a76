//! The FHIR output checked by an independent FHIR R4 implementation
//! (PyPI's fhir.resources 6.4.0, FHIR 4.0.1, run by tests/fhir/validate.py),
//! not only by our own structs. `.ci/run` installs it and sets
//! CANDIDACY_FHIR_PYTHON. Without it the tests fail under `CI=true`;
//! elsewhere (a fresh machine running `cargo test`) they are skipped, and
//! the skip is said in `cargo test`'s own output. A Python without
//! fhir.resources fails them: a validator that did not run never counts as
//! a verdict.
#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::cargo_bin_cmd;

mod common;

use common::{EXAMPLES, example};

/// The Python with fhir.resources, if any.
fn validator() -> Option<PathBuf> {
    let python = std::env::var_os("CANDIDACY_FHIR_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fhir-venv/bin/python")
        });
    if python.exists() {
        return Some(python);
    }
    assert!(
        !common::on_ci(),
        "CI must have the FHIR validator: {} is missing (see .ci/run)",
        python.display()
    );
    // Straight to standard error, not `eprintln!`: the test harness keeps
    // what `eprintln!` prints to itself unless the test fails, and a skip
    // must be seen in `cargo test`'s normal output.
    let _ = writeln!(
        std::io::stderr(),
        "note: FHIR validation SKIPPED: no validator at {} (run .ci/run once to install it, \
         or set CANDIDACY_FHIR_PYTHON to a Python with fhir.resources 6.4.0)",
        python.display()
    );
    None
}

fn run(args: &[&str]) -> Vec<u8> {
    let output = cargo_bin_cmd!("candidacy").args(args).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// validate.py's line saying a resource is invalid (`PATH: INVALID ...`,
/// or `PATH: fields dropped by the model: ...`), if there is one.
fn rejection(report: &str) -> Option<&str> {
    report
        .lines()
        .find(|line| line.contains(": INVALID") || line.contains(": fields dropped by the model"))
}

/// Runs the validator on `files`: `Ok` with its report when every file is
/// valid, `Err` when it found one invalid. Anything else (fhir.resources
/// missing, exit 3; a Python error; a crash) fails the test: a validator
/// that did not run has said nothing about the files.
fn validate(python: &Path, files: &[PathBuf]) -> Result<String, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fhir/validate.py");
    let output = Command::new(python)
        .arg(script)
        .args(files)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(0) => Ok(report),
        Some(1) if rejection(&report).is_some() => Err(report),
        status => panic!(
            "the FHIR validator at {} did not run (exit {status:?}); is fhir.resources \
             6.4.0 installed there?\n{report}",
            python.display()
        ),
    }
}

#[test]
fn the_questionnaire_and_every_example_response_pass_an_independent_r4_validator() {
    let Some(python) = validator() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut files = vec![dir.path().join("questionnaire.json")];
    std::fs::write(&files[0], run(&["questionnaire", "--format", "fhir"])).unwrap();
    for name in EXAMPLES {
        let path = dir.path().join(format!("{name}.json"));
        let answers = example(name);
        std::fs::write(
            &path,
            run(&["--format", "fhir", "--answers", answers.to_str().unwrap()]),
        )
        .unwrap();
        files.push(path);
    }
    let report = validate(&python, &files).unwrap_or_else(|report| panic!("{report}"));
    assert_eq!(
        report.matches(": valid ").count(),
        EXAMPLES.len() + 1,
        "{report}"
    );
}

#[test]
fn the_validator_rejects_what_r4_does_not_allow() {
    let Some(python) = validator() else { return };
    let dir = tempfile::tempdir().unwrap();
    let questionnaire = dir.path().join("questionnaire.json");
    std::fs::write(&questionnaire, run(&["questionnaire"])).unwrap();
    let answers = example("knee-moderate.toml");
    let good: serde_json::Value = serde_json::from_slice(&run(&[
        "--format",
        "fhir",
        "--answers",
        answers.to_str().unwrap(),
    ]))
    .unwrap();
    type Mutation = fn(&mut serde_json::Value);
    /// The response item answering question `id`.
    fn item<'a>(r: &'a mut serde_json::Value, id: &str) -> &'a mut serde_json::Value {
        r["item"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|i| i["linkId"] == id)
            .unwrap()
    }
    let mutations: [(&str, Mutation); 6] = [
        ("an unknown field", |r| {
            r["contained"][0]["verdict"] = "x".into()
        }),
        ("a status outside R4's list", |r| {
            r["status"] = "done".into()
        }),
        ("an answer that is not an option", |r| {
            item(r, "condition")["answer"][0]["valueCoding"]["code"] = "elbow".into();
        }),
        ("an age outside the bounds", |r| {
            item(r, "age")["answer"][0]["valueInteger"] = 130.into();
        }),
        ("a required item left out where its enableWhen holds", |r| {
            r["item"]
                .as_array_mut()
                .unwrap()
                .retain(|i| i["linkId"] != "duration");
        }),
        ("an item answered where its enableWhen disables it", |r| {
            item(r, "warning_signs")["answer"][0]["valueCoding"]["code"] = "fever".into();
        }),
    ];
    for (what, mutate) in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        let path = dir.path().join("bad.json");
        std::fs::write(&path, serde_json::to_vec(&bad).unwrap()).unwrap();
        match validate(&python, &[questionnaire.clone(), path]) {
            Ok(report) => panic!("{what} passed: {report}"),
            Err(report) => assert!(
                rejection(&report).is_some_and(|line| line.contains("bad.json: ")),
                "{what}: {report}"
            ),
        }
    }
}

#[test]
fn a_question_asked_after_one_that_may_not_be_asked_is_disabled_when_that_one_is_not() {
    let Some(python) = validator() else { return };
    // A question asked only for knee arthritis: after a warning sign the
    // problem is not asked, and in R4 a bare `!=` would then enable (and
    // require) it.
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    for (name, text) in candidacy::ruleset::EMBEDDED_FILES {
        std::fs::write(rules.join(name), text).unwrap();
    }
    std::fs::write(
        rules.join("zz-knee-side.toml"),
        "[[question]]\nid = \"knee_side\"\nkind = \"choice\"\nprompt = \"Which knee is it?\"\n\
         help = \"Pick one.\"\nask_when.condition = { in = [\"knee-arthritis\"] }\n\
         [[question.option]]\nid = \"left\"\nlabel = \"Left\"\n\
         [[question.option]]\nid = \"right\"\nlabel = \"Right\"\n",
    )
    .unwrap();
    let rules = rules.to_str().unwrap();
    let mut files = vec![dir.path().join("questionnaire.json")];
    std::fs::write(
        &files[0],
        run(&["questionnaire", "--format", "fhir", "--rules", rules]),
    )
    .unwrap();
    let every = [
        "condition=knee-arthritis",
        "duration=over-a-year",
        "severity=moderate",
        "imaging=moderate",
        "age=54",
        "active_infection=no",
        "health=none",
        "prior_treatments=rest",
    ];
    let cases: [(&str, Vec<&str>); 3] = [
        ("sign", vec!["warning_signs=fever"]),
        ("knee", {
            let mut a = vec!["warning_signs=none", "knee_side=left"];
            a.extend(every);
            a
        }),
        ("hip", {
            let mut a = vec!["warning_signs=none"];
            a.extend(every);
            a[1] = "condition=hip-arthritis";
            a
        }),
    ];
    for (name, answers) in &cases {
        let mut args = vec!["--rules", rules, "--format", "fhir"];
        for answer in answers {
            args.extend(["--answer", answer]);
        }
        let path = dir.path().join(format!("{name}.json"));
        std::fs::write(&path, run(&args)).unwrap();
        files.push(path);
    }
    let report = validate(&python, &files).unwrap_or_else(|report| panic!("{report}"));
    assert_eq!(report.matches(": valid ").count(), 4, "{report}");
}
