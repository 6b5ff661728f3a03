//! Portable column types and server defaults.

use std::fmt;

/// A column type that every dialect can express.
///
/// Each dialect renders the portable type to its native spelling (`Type::Json` is `JSONB` on
/// PostgreSQL, `JSON` on MySQL and SQLite); [`Type::Custom`] is the escape hatch for a native type
/// that has no portable name.
///
/// ```
/// use schema_runtime::{Dialect, Type};
/// assert_eq!(Dialect::Postgres.render_type(&Type::String(255)), "VARCHAR(255)");
/// assert_eq!(Dialect::Mysql.render_type(&Type::Boolean), "TINYINT(1)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Type {
    /// 16-bit signed integer.
    SmallInt,
    /// 32-bit signed integer.
    Integer,
    /// 64-bit signed integer.
    BigInt,
    /// Boolean (`TINYINT(1)` on MySQL).
    Boolean,
    /// 32-bit float.
    Real,
    /// 64-bit float.
    Double,
    /// Exact decimal with precision and scale.
    Numeric(u16, u16),
    /// Variable-length string of at most `n` characters.
    String(u32),
    /// Unbounded text.
    Text,
    /// Binary data.
    Bytes,
    /// Calendar date.
    Date,
    /// Time of day.
    Time,
    /// Date and time without time zone.
    Timestamp,
    /// Date and time with time zone (UTC instant).
    TimestampTz,
    /// UUID (`UUID` on PostgreSQL, `CHAR(36)` elsewhere).
    Uuid,
    /// JSON document (`JSONB` on PostgreSQL).
    Json,
    /// A named enum type created by `create_enum` (PostgreSQL type, MySQL inline `ENUM`, SQLite text).
    Enum(String),
    /// A native type spelled the same on every dialect, rendered verbatim.
    Custom(String),
}

impl Type {
    /// A native type rendered verbatim, for types with no portable name (`CITEXT`, `INET`, ...).
    pub fn custom(sql: impl Into<String>) -> Self {
        Type::Custom(sql.into())
    }

    /// A column of the enum type `name` (created with `op.create_enum`).
    pub fn enumeration(name: impl Into<String>) -> Self {
        Type::Enum(name.into())
    }

    /// True for the integer types that can carry an identity / autoincrement.
    pub fn is_integer(&self) -> bool {
        matches!(self, Type::SmallInt | Type::Integer | Type::BigInt)
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Numeric(p, s) => write!(f, "Numeric({p}, {s})"),
            Type::String(n) => write!(f, "String({n})"),
            Type::Custom(s) => write!(f, "Custom({s:?})"),
            Type::Enum(s) => write!(f, "Enum({s:?})"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// A literal value, used by server defaults.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// `NULL`.
    Null,
    /// `TRUE` / `FALSE` (1 / 0 where the dialect has no boolean).
    Bool(bool),
    /// An integer literal.
    Int(i64),
    /// A floating-point literal.
    Float(f64),
    /// A string literal, quoted and escaped per dialect.
    Str(String),
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(v.into())
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}
impl From<i16> for Value {
    fn from(v: i16) -> Self {
        Value::Int(v.into())
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Int(v.into())
    }
}
impl From<f32> for Value {
    fn from(v: f32) -> Self {
        Value::Float(v.into())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Str(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Str(v)
    }
}

/// A column's server default: what the database fills in when an insert omits the column.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ServerDefault {
    /// A literal value.
    Value(Value),
    /// The current timestamp (`CURRENT_TIMESTAMP`).
    Now,
    /// A raw SQL expression, rendered verbatim (`gen_random_uuid()`).
    Expr(String),
}
