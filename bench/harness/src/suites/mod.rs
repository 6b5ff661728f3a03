//! One file per measured question of the issue.

pub mod apply;
pub mod autogen;
pub mod compile;
pub mod planning;
pub mod startup;

use crate::BenchError;

/// A suite of measurements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    /// 1. From empty to head.
    Apply,
    /// 2. Start-up when already at head.
    Startup,
    /// 3. Planning on a large graph with branches and merges.
    Planning,
    /// 4. Autogenerate of 1,000 tables.
    Autogen,
    /// 5. Compile cost of a migrations crate.
    Compile,
}

impl Suite {
    /// Every suite, in the order.
    pub const ALL: [Suite; 5] = [
        Suite::Apply,
        Suite::Startup,
        Suite::Planning,
        Suite::Autogen,
        Suite::Compile,
    ];

    /// `apply`, `startup`, ...
    pub fn parse(name: &str) -> Result<Suite, BenchError> {
        Ok(match name {
            "apply" => Suite::Apply,
            "startup" => Suite::Startup,
            "planning" => Suite::Planning,
            "autogen" => Suite::Autogen,
            "compile" => Suite::Compile,
            other => {
                return Err(BenchError::new(format!(
                    "unknown suite `{other}`; expected apply, startup, planning, autogen or compile"
                )))
            }
        })
    }

    /// The section title.
    pub fn title(self) -> &'static str {
        match self {
            Suite::Apply => "1. Apply from empty to head",
            Suite::Startup => "2. Start-up when already at head",
            Suite::Planning => "3. Planning on a large graph",
            Suite::Autogen => "4. Autogenerate",
            Suite::Compile => "5. Compile cost",
        }
    }
}
