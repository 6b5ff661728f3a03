//! Timing: samples of one measured thing, their median, and a spawned command timed from
//! spawn to exit.

use std::fmt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::BenchError;

/// The durations measured for one thing, in the order they ran.
#[derive(Debug, Clone, Default)]
pub struct Samples(pub Vec<Duration>);

impl Samples {
    /// Adds one run.
    pub fn push(&mut self, d: Duration) {
        self.0.push(d);
    }

    /// The median (the mean of the middle two for an even count); zero when empty.
    pub fn median(&self) -> Duration {
        let mut sorted = self.0.clone();
        sorted.sort();
        match sorted.len() {
            0 => Duration::ZERO,
            n if n % 2 == 1 => sorted[n / 2],
            n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
        }
    }

    /// Fastest run.
    pub fn min(&self) -> Duration {
        self.0.iter().copied().min().unwrap_or_default()
    }

    /// Slowest run.
    pub fn max(&self) -> Duration {
        self.0.iter().copied().max().unwrap_or_default()
    }

    /// Number of runs.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// `median (min–max, n=5)`.
    pub fn summary(&self) -> String {
        format!(
            "{} ({}–{}, n={})",
            Human(self.median()),
            Human(self.min()),
            Human(self.max()),
            self.len()
        )
    }

    /// This median over `floor`'s, as `1.23x`.
    pub fn ratio_to(&self, floor: &Samples) -> String {
        ratio(self.median(), floor.median())
    }
}

/// `a / b` as `1.23x`.
pub fn ratio(a: Duration, b: Duration) -> String {
    if b.is_zero() {
        return "–".into();
    }
    format!("{:.2}x", a.as_secs_f64() / b.as_secs_f64())
}

/// A duration in the unit that reads best: `812 µs`, `4.31 ms`, `2.07 s`.
#[derive(Debug, Clone, Copy)]
pub struct Human(pub Duration);

impl fmt::Display for Human {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0.as_secs_f64();
        if s >= 1.0 {
            write!(f, "{s:.2} s")
        } else if s >= 1e-3 {
            write!(f, "{:.2} ms", s * 1e3)
        } else {
            write!(f, "{:.0} µs", s * 1e6)
        }
    }
}

/// CPU time (user + system) used so far by this process (`Who::Myself`, every thread) or by
/// its children that have been waited for (`Who::Children`).
#[derive(Debug, Clone, Copy)]
pub enum Who {
    /// This process.
    Myself,
    /// Its waited-for children and their descendants.
    Children,
}

/// CPU time of `who` so far (getrusage).
pub fn cpu_time(who: Who) -> Duration {
    let which = match who {
        Who::Myself => libc::RUSAGE_SELF,
        Who::Children => libc::RUSAGE_CHILDREN,
    };
    // SAFETY: getrusage fills the zeroed struct it is given and has no other effect.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(which, &mut usage);
        usage
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// Runs `command` to completion and returns its wall time; its output is captured (so a
/// chatty tool pays for its pipe as it would for a terminal) and shown only when it fails.
pub fn time_command(command: &mut Command) -> Result<Duration, BenchError> {
    time_command_cpu(command).map(|(wall, _)| wall)
}

/// [`time_command`], also returning the CPU time (user + system) the command used: the
/// client's own work, which the database's disk does not blur.
pub fn time_command_cpu(command: &mut Command) -> Result<(Duration, Duration), BenchError> {
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let cpu_before = cpu_time(Who::Children);
    let clock = Instant::now();
    let output = command
        .output()
        .map_err(|e| BenchError::new(format!("cannot run {command:?}: {e}")))?;
    let elapsed = clock.elapsed();
    let cpu = cpu_time(Who::Children).saturating_sub(cpu_before);
    if !output.status.success() {
        return Err(BenchError::new(format!(
            "{command:?} failed ({}):\n{}\n{}",
            output.status,
            tail(&String::from_utf8_lossy(&output.stdout)),
            tail(&String::from_utf8_lossy(&output.stderr)),
        )));
    }
    Ok((elapsed, cpu))
}

/// Runs `command` untimed and returns its stdout; fails with its stderr.
pub fn run_command(command: &mut Command) -> Result<String, BenchError> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| BenchError::new(format!("cannot run {command:?}: {e}")))?;
    if !output.status.success() {
        return Err(BenchError::new(format!(
            "{command:?} failed ({}):\n{}",
            output.status,
            tail(&String::from_utf8_lossy(&output.stderr)),
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The last 40 lines of a tool's output.
fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

/// Times `f` `rounds` times in process.
pub fn time_in_process<T>(rounds: usize, mut f: impl FnMut() -> T) -> Samples {
    let mut samples = Samples::default();
    for _ in 0..rounds {
        let clock = Instant::now();
        let value = f();
        samples.push(clock.elapsed());
        drop(std::hint::black_box(value));
    }
    samples
}
