//! The benchmark harness of cargo-schema: generates one migration chain in three forms (our
//! migrations package, an Alembic project, a plain SQL script per dialect), measures applying,
//! start-up at head, planning, autogenerate and compile cost in alternating rounds, and writes
//! `bench/RESULTS.md`. `bench/run.sh` builds it and runs `schema-bench run [--quick]`.

mod chain;
mod context;
mod databases;
mod forms;
mod machine;
mod measure;
mod report;
mod suites;

use std::fmt;
use std::process::ExitCode;

use context::{Context, Options};

/// What went wrong in a benchmark run: a message for the person running it.
pub struct BenchError(String);

impl BenchError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        BenchError(message.into())
    }
}

impl<E: std::error::Error> From<E> for BenchError {
    fn from(e: E) -> Self {
        BenchError(e.to_string())
    }
}

impl fmt::Display for BenchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for BenchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

const USAGE: &str = "\
usage: schema-bench run [--quick] [--only apply,startup,planning,autogen,compile] [--output FILE]
                       [--sizes 100,1000] [--rounds N]   (for looking into one case; the report says so)
       schema-bench generate N        (writes the three forms of a chain of N into bench/work/)

bench/run.sh builds this binary and passes its arguments on.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match Options::parse(&args) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(options: Options) -> Result<(), BenchError> {
    let mut cx = Context::new(options)?;
    if let Some(n) = cx.options.generate {
        let forms = cx.forms(n)?;
        eprintln!("wrote {forms:#?}");
        return Ok(());
    }
    cx.report.machine = machine::describe(&cx).await?;
    for suite in cx.options.suites.clone() {
        machine::wait_for_quiet(&cx.options);
        let load_before = machine::load_average();
        eprintln!("== {} (load average {load_before})", suite.title());
        let started = std::time::Instant::now();
        match suite {
            suites::Suite::Apply => suites::apply::run(&mut cx).await?,
            suites::Suite::Startup => suites::startup::run(&mut cx).await?,
            suites::Suite::Planning => suites::planning::run(&mut cx)?,
            suites::Suite::Autogen => suites::autogen::run(&mut cx).await?,
            suites::Suite::Compile => suites::compile::run(&mut cx)?,
        }
        cx.report.loads.push((
            suite.title().to_owned(),
            load_before,
            machine::load_average(),
            started.elapsed(),
        ));
        // Each finished section is on disk, so an interrupted full run keeps what it measured.
        cx.report.write(&cx.options.output)?;
    }
    eprintln!("wrote {}", cx.options.output.display());
    Ok(())
}
