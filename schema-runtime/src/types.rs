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
    /// A float of at least `p` binary digits of precision (1 to 53), SQLAlchemy's
    /// `Float(precision=p)`: `FLOAT(p)` on PostgreSQL and MySQL, which store 1 to 24 as a
    /// 32-bit float (`REAL` / `FLOAT`) and 25 to 53 as a 64-bit one (`DOUBLE PRECISION` /
    /// `DOUBLE`), and read it back so; `FLOAT` on SQLite, whose floats are all 64-bit.
    Float(u8),
    /// Exact decimal with precision and scale.
    Numeric(u16, u16),
    /// Variable-length string of at most `n` characters.
    String(u32),
    /// Variable-length string without a length limit: SQLAlchemy's `String()` (`VARCHAR` on
    /// PostgreSQL and SQLite). MySQL and MariaDB have no `VARCHAR` without a length, so they
    /// refuse it when the migration is planned; use [`Type::Text`] or [`Type::String`] there.
    Varchar,
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
    /// Time of day with `p` fractional-second digits (0 to 6): `TIME(p)` on PostgreSQL, MySQL and
    /// MariaDB, `TIME` on SQLite (which keeps text as written). [`Type::Time`] is microseconds.
    TimePrecision(u8),
    /// Date and time without time zone with `p` fractional-second digits (0 to 6):
    /// `TIMESTAMP(p)` on PostgreSQL, `DATETIME(p)` on MySQL and MariaDB, `TIMESTAMP` on SQLite.
    /// `TimestampPrecision(0)` is SQLAlchemy's whole-second `DATETIME` on MySQL.
    TimestampPrecision(u8),
    /// Date and time with time zone with `p` fractional-second digits (0 to 6):
    /// `TIMESTAMP(p) WITH TIME ZONE` on PostgreSQL, `DATETIME(p)` (UTC) on MySQL and MariaDB,
    /// `TIMESTAMPTZ` on SQLite.
    TimestampTzPrecision(u8),
    /// [`Type::Timestamp`] spelt as SQLAlchemy's `DateTime` spells it: `DATETIME` on SQLite (where
    /// [`Type::Timestamp`] is `TIMESTAMP`), `TIMESTAMP WITHOUT TIME ZONE` on PostgreSQL and
    /// `DATETIME(6)` on MySQL and MariaDB (microseconds, as on PostgreSQL; for whole seconds use
    /// [`Type::TimestampPrecision(0)`](Type::TimestampPrecision)). PostgreSQL, MySQL and MariaDB
    /// read it back as [`Type::Timestamp`]: only SQLite keeps the spelling apart.
    DateTime,
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

    /// True for the float and decimal types (literals of these read as numbers).
    pub(crate) fn is_fractional(&self) -> bool {
        matches!(
            self,
            Type::Real | Type::Double | Type::Float(_) | Type::Numeric(..)
        )
    }

    /// The types that hold a time of day, a date and time, or both, with their
    /// fractional-second digits where given (`None`: the dialect's microseconds).
    pub(crate) fn fractional_seconds(&self) -> Option<Option<u8>> {
        match self {
            Type::Time | Type::Timestamp | Type::TimestampTz | Type::DateTime => Some(None),
            Type::TimePrecision(p)
            | Type::TimestampPrecision(p)
            | Type::TimestampTzPrecision(p) => Some(Some(*p)),
            _ => None,
        }
    }

    /// Why the type cannot exist anywhere (a precision out of range), if it cannot.
    pub(crate) fn invalid(&self) -> Option<&'static str> {
        match self {
            Type::Float(p) if !(1..=53).contains(p) => Some(
                "a float's precision is 1 to 53 binary digits (24 and below is a 32-bit float)",
            ),
            Type::TimePrecision(p)
            | Type::TimestampPrecision(p)
            | Type::TimestampTzPrecision(p)
                if *p > 6 =>
            {
                Some("fractional seconds take 0 to 6 digits (6 is microseconds)")
            }
            _ => None,
        }
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

/// A literal value: of a server default, a `bulk_insert` / `delete_rows` row, an `update`.
///
/// The typed values keep their text as written and are checked when the migration is planned
/// (a malformed one is refused with what it should look like); each dialect writes them as it
/// reads that type:
///
/// | constructor | text | PostgreSQL | MySQL, MariaDB | SQLite |
/// |---|---|---|---|---|
/// | [`Value::decimal`] | `-12.50` | `-12.50` | `-12.50` | `'-12.50'` |
/// | [`Value::date`] | `2024-01-31` | `DATE '..'` | `'..'` | `'..'` |
/// | [`Value::time`] | `13:45:00[.123456]` | `TIME '..'` | `'..'` | `'..'` |
/// | [`Value::timestamp`] | `2024-01-31 13:45:00[.f]` (or `T`) | `TIMESTAMP '..'` | `'..'` | `'..'` |
/// | [`Value::timestamp_tz`] | `..13:45:00[.f]+02:00` (or `Z`) | `TIMESTAMPTZ '..'` | `'..'` in UTC | `'..'` |
/// | [`Value::uuid`] | `67e55044-10b1-426f-9247-bb680e5fe0c8` | `'..'::uuid` | `'..'` | `'..'` |
/// | [`Value::json`] | a JSON document | `'..'::jsonb` | `CAST('..' AS JSON)` (MariaDB `'..'`) | `'..'` |
///
/// ```
/// use schema_runtime::{Dialect, Value};
/// assert_eq!(Dialect::Postgres.render_value(&Value::date("2024-01-31")), "DATE '2024-01-31'");
/// assert_eq!(Dialect::Mariadb.render_value(&Value::timestamp_tz("2024-01-31 01:30:00+02:00")), "'2024-01-30 23:30:00'");
/// assert_eq!(Dialect::Sqlite.render_value(&Value::decimal("12.50")), "'12.50'");
/// ```
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
    /// An exact decimal, as text (`-12.50`): see [`Value::decimal`].
    Decimal(String),
    /// A calendar date, `YYYY-MM-DD`: see [`Value::date`].
    Date(String),
    /// A time of day, `HH:MM:SS[.ffffff]`: see [`Value::time`].
    Time(String),
    /// A date and time without time zone: see [`Value::timestamp`].
    Timestamp(String),
    /// A date and time with a UTC offset: see [`Value::timestamp_tz`].
    TimestampTz(String),
    /// A UUID in its hyphenated form: see [`Value::uuid`].
    Uuid(String),
    /// A JSON document: see [`Value::json`].
    Json(String),
}

impl Value {
    /// An exact decimal written as digits with an optional sign and fraction (`"12.50"`,
    /// `"-0.001"`); no exponent. A bare numeric literal on PostgreSQL, MySQL and MariaDB (exact
    /// there, unlike [`Value::Float`]); text on SQLite, whose `NUMERIC` affinity converts it
    /// where no digit is lost.
    pub fn decimal(text: impl Into<String>) -> Self {
        Value::Decimal(text.into())
    }

    /// A calendar date, `YYYY-MM-DD`.
    pub fn date(text: impl Into<String>) -> Self {
        Value::Date(text.into())
    }

    /// A time of day, `HH:MM:SS` with up to six fractional digits (`"13:45:00.25"`).
    pub fn time(text: impl Into<String>) -> Self {
        Value::Time(text.into())
    }

    /// A date and time without time zone, `YYYY-MM-DD HH:MM:SS[.ffffff]` (a `T` in place of
    /// the space is accepted), for `Timestamp` / `DateTime` columns.
    pub fn timestamp(text: impl Into<String>) -> Self {
        Value::Timestamp(text.into())
    }

    /// An instant: a date and time with its UTC offset, `YYYY-MM-DD HH:MM:SS[.ffffff]` then `Z`
    /// or `+HH:MM` / `-HH:MM`, for `TimestampTz` columns. MySQL and MariaDB have no offsets in
    /// `DATETIME`: the value is written there converted to UTC, as `TimestampTz` columns keep it.
    pub fn timestamp_tz(text: impl Into<String>) -> Self {
        Value::TimestampTz(text.into())
    }

    /// A UUID, hyphenated (`67e55044-10b1-426f-9247-bb680e5fe0c8`).
    pub fn uuid(text: impl Into<String>) -> Self {
        Value::Uuid(text.into())
    }

    /// A JSON document, from its text or anything that displays as JSON (a
    /// `serde_json::Value` does): `Value::json(r#"{"a": 1}"#)`, `Value::json(json!({"a": 1}))`.
    /// The text is kept as written.
    pub fn json(document: impl fmt::Display) -> Self {
        Value::Json(document.to_string())
    }

    /// The text of a typed value (decimal, date, time, timestamp, UUID, JSON).
    pub(crate) fn typed_text(&self) -> Option<&str> {
        match self {
            Value::Decimal(s)
            | Value::Date(s)
            | Value::Time(s)
            | Value::Timestamp(s)
            | Value::TimestampTz(s)
            | Value::Uuid(s)
            | Value::Json(s) => Some(s),
            _ => None,
        }
    }

    /// What a malformed typed value should look like, if it is malformed.
    pub(crate) fn invalid(&self) -> Option<&'static str> {
        let ok = match self {
            Value::Decimal(s) => literal::decimal(s),
            Value::Date(s) => literal::date(s).is_some(),
            Value::Time(s) => literal::time(s).is_some(),
            Value::Timestamp(s) => literal::timestamp(s).is_some(),
            Value::TimestampTz(s) => literal::timestamp_tz(s).is_some(),
            Value::Uuid(s) => literal::uuid(s),
            Value::Json(s) => literal::json(s),
            _ => true,
        };
        (!ok).then_some(match self {
            Value::Decimal(_) => "a decimal is digits with an optional sign and fraction, as -12.50 (no exponent)",
            Value::Date(_) => "a date is YYYY-MM-DD, as 2024-01-31",
            Value::Time(_) => "a time is HH:MM:SS with up to 6 fractional digits, as 13:45:00.25",
            Value::Timestamp(_) => "a timestamp is YYYY-MM-DD HH:MM:SS with up to 6 fractional digits and no offset (use Value::timestamp_tz for one)",
            Value::TimestampTz(_) => "a timestamp with time zone is YYYY-MM-DD HH:MM:SS with up to 6 fractional digits, then Z or +HH:MM / -HH:MM",
            Value::Uuid(_) => "a UUID is 32 hex digits hyphenated 8-4-4-4-12",
            _ => "a JSON document must be valid JSON",
        })
    }

    /// The value of a `TimestampTz` in UTC, `YYYY-MM-DD HH:MM:SS[.f]` (the fraction as written),
    /// for dialects whose `DATETIME` has no offset.
    pub(crate) fn utc_timestamp(text: &str) -> Option<String> {
        let (naive, fraction, offset_minutes) = literal::timestamp_tz(text)?;
        let utc = naive - chrono::Duration::minutes(offset_minutes);
        Some(format!("{}{fraction}", utc.format("%Y-%m-%d %H:%M:%S")))
    }
}

/// The shapes of the typed values' text (`Value::date` ...), checked without a parser crate.
mod literal {
    use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

    fn digits(s: &str, n: usize) -> Option<u32> {
        (s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    }

    pub(super) fn decimal(s: &str) -> bool {
        let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
        !whole.is_empty()
            && !fraction.is_empty()
            && whole
                .bytes()
                .chain(fraction.bytes())
                .all(|b| b.is_ascii_digit())
    }

    pub(super) fn date(s: &str) -> Option<NaiveDate> {
        let mut parts = s.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        NaiveDate::from_ymd_opt(digits(y, 4)? as i32, digits(m, 2)?, digits(d, 2)?)
    }

    /// The time and its fraction as written (`.25`, or empty).
    pub(super) fn time(s: &str) -> Option<(NaiveTime, &str)> {
        let (hms, fraction) = match s.find('.') {
            Some(i) => (&s[..i], &s[i..]),
            None => (s, ""),
        };
        if !fraction.is_empty() && digits(&fraction[1..], fraction.len() - 1).is_none()
            || fraction.len() == 1
            || fraction.len() > 7
        {
            return None;
        }
        let mut parts = hms.split(':');
        let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let time = NaiveTime::from_hms_opt(digits(h, 2)?, digits(m, 2)?, digits(sec, 2)?)?;
        Some((time, fraction))
    }

    pub(super) fn timestamp(s: &str) -> Option<(NaiveDateTime, &str)> {
        let (date_part, time_part) = s.split_once([' ', 'T'])?;
        let (time, fraction) = time(time_part)?;
        Some((date(date_part)?.and_time(time), fraction))
    }

    /// The local date and time, its fraction, and the offset in minutes east of UTC.
    pub(super) fn timestamp_tz(s: &str) -> Option<(NaiveDateTime, &str, i64)> {
        if let Some(local) = s.strip_suffix('Z') {
            let (naive, fraction) = timestamp(local)?;
            return Some((naive, fraction, 0));
        }
        let at = s.len().checked_sub(6)?;
        let (local, offset) = (s.get(..at)?, s.get(at..)?);
        let sign = match offset.as_bytes()[0] {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let (h, m) = offset[1..].split_once(':')?;
        let (h, m) = (digits(h, 2)?, digits(m, 2)?);
        if h > 15 || m > 59 {
            return None;
        }
        let (naive, fraction) = timestamp(local)?;
        Some((naive, fraction, sign * i64::from(h * 60 + m)))
    }

    pub(super) fn uuid(s: &str) -> bool {
        let groups: Vec<&str> = s.split('-').collect();
        groups.len() == 5
            && groups
                .iter()
                .zip([8, 4, 4, 4, 12])
                .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
    }

    /// Whether `s` is one JSON value (RFC 8259), surrounded by whitespace at most.
    pub(super) fn json(s: &str) -> bool {
        let mut p = Json {
            s: s.as_bytes(),
            at: 0,
            depth: 0,
        };
        p.value() && {
            p.space();
            p.at == p.s.len()
        }
    }

    struct Json<'a> {
        s: &'a [u8],
        at: usize,
        depth: usize,
    }

    impl Json<'_> {
        fn peek(&self) -> Option<u8> {
            self.s.get(self.at).copied()
        }

        fn space(&mut self) {
            while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                self.at += 1;
            }
        }

        fn eat(&mut self, b: u8) -> bool {
            self.space();
            let found = self.peek() == Some(b);
            if found {
                self.at += 1;
            }
            found
        }

        fn word(&mut self, w: &[u8]) -> bool {
            let found = self.s[self.at..].starts_with(w);
            if found {
                self.at += w.len();
            }
            found
        }

        fn value(&mut self) -> bool {
            self.space();
            match self.peek() {
                Some(b'{') => self.nested(b'}', true),
                Some(b'[') => self.nested(b']', false),
                Some(b'"') => self.string(),
                Some(b't') => self.word(b"true"),
                Some(b'f') => self.word(b"false"),
                Some(b'n') => self.word(b"null"),
                Some(b'-' | b'0'..=b'9') => self.number(),
                _ => false,
            }
        }

        fn nested(&mut self, close: u8, object: bool) -> bool {
            self.at += 1;
            self.depth += 1;
            if self.depth > 128 {
                return false;
            }
            if self.eat(close) {
                self.depth -= 1;
                return true;
            }
            loop {
                if object {
                    self.space();
                    if !(self.string() && self.eat(b':')) {
                        return false;
                    }
                }
                if !self.value() {
                    return false;
                }
                if self.eat(close) {
                    self.depth -= 1;
                    return true;
                }
                if !self.eat(b',') {
                    return false;
                }
            }
        }

        fn string(&mut self) -> bool {
            if self.peek() != Some(b'"') {
                return false;
            }
            self.at += 1;
            while let Some(b) = self.peek() {
                self.at += 1;
                match b {
                    b'"' => return true,
                    b'\\' => match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.at += 1
                        }
                        Some(b'u') => {
                            let hex = self.s.get(self.at + 1..self.at + 5);
                            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                                return false;
                            }
                            self.at += 5;
                        }
                        _ => return false,
                    },
                    0..=0x1f => return false,
                    _ => {}
                }
            }
            false
        }

        fn number(&mut self) -> bool {
            let start = self.at;
            let digits = |p: &mut Self| {
                let from = p.at;
                while p.peek().is_some_and(|b| b.is_ascii_digit()) {
                    p.at += 1;
                }
                p.at > from
            };
            if self.peek() == Some(b'-') {
                self.at += 1;
            }
            let int_start = self.at;
            if !digits(self) || (self.s[int_start] == b'0' && self.at - int_start > 1) {
                return false;
            }
            if self.peek() == Some(b'.') {
                self.at += 1;
                if !digits(self) {
                    return false;
                }
            }
            if matches!(self.peek(), Some(b'e' | b'E')) {
                self.at += 1;
                if matches!(self.peek(), Some(b'+' | b'-')) {
                    self.at += 1;
                }
                if !digits(self) {
                    return false;
                }
            }
            self.at > start
        }
    }
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
impl From<chrono::NaiveDate> for Value {
    /// [`Value::date`].
    fn from(v: chrono::NaiveDate) -> Self {
        Value::Date(v.format("%Y-%m-%d").to_string())
    }
}
impl From<chrono::NaiveTime> for Value {
    /// [`Value::time`], to the microsecond (a leap second is refused when planned).
    fn from(v: chrono::NaiveTime) -> Self {
        Value::Time(v.format("%H:%M:%S%.6f").to_string())
    }
}
impl From<chrono::NaiveDateTime> for Value {
    /// [`Value::timestamp`], to the microsecond.
    fn from(v: chrono::NaiveDateTime) -> Self {
        Value::Timestamp(v.format("%Y-%m-%d %H:%M:%S%.6f").to_string())
    }
}
impl<Tz: chrono::TimeZone> From<chrono::DateTime<Tz>> for Value {
    /// [`Value::timestamp_tz`], to the microsecond, with the value's offset.
    fn from(v: chrono::DateTime<Tz>) -> Self {
        Value::TimestampTz(
            v.fixed_offset()
                .format("%Y-%m-%d %H:%M:%S%.6f%:z")
                .to_string(),
        )
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
    /// A raw SQL expression spelt per dialect: the text `dialects` gives for the dialect
    /// (`Dialect::Mysql` covers MariaDB unless MariaDB has its own), else `portable`.
    ExprPerDialect {
        /// The text of every dialect `dialects` does not name.
        portable: String,
        /// The text of some dialects.
        dialects: Vec<(crate::Dialect, String)>,
    },
}

impl ServerDefault {
    /// This default as `dialect` has it: an [`ExprPerDialect`](ServerDefault::ExprPerDialect)
    /// becomes that dialect's [`Expr`](ServerDefault::Expr); the others are themselves.
    ///
    /// ```
    /// use schema_runtime::{Dialect, ServerDefault};
    /// let uuid = ServerDefault::ExprPerDialect {
    ///     portable: "lower(hex(randomblob(16)))".into(),
    ///     dialects: vec![(Dialect::Postgres, "gen_random_uuid()".into()), (Dialect::Mysql, "uuid()".into())],
    /// };
    /// assert_eq!(*uuid.for_dialect(Dialect::Mariadb), ServerDefault::Expr("uuid()".into()));
    /// assert_eq!(*uuid.for_dialect(Dialect::Sqlite), ServerDefault::Expr("lower(hex(randomblob(16)))".into()));
    /// ```
    pub fn for_dialect(&self, dialect: crate::Dialect) -> std::borrow::Cow<'_, ServerDefault> {
        let ServerDefault::ExprPerDialect { portable, dialects } = self else {
            return std::borrow::Cow::Borrowed(self);
        };
        let text = crate::ops::spelt_for(dialects, dialect).unwrap_or(portable);
        std::borrow::Cow::Owned(ServerDefault::Expr(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values_are_checked_for_their_shape() {
        for good in [
            Value::decimal("12.50"),
            Value::decimal("-0.001"),
            Value::decimal("+7"),
            Value::date("2024-02-29"),
            Value::time("23:59:59"),
            Value::time("00:00:00.123456"),
            Value::timestamp("2024-01-31 13:45:00"),
            Value::timestamp("2024-01-31T13:45:00.5"),
            Value::timestamp_tz("2024-01-31 13:45:00Z"),
            Value::timestamp_tz("2024-01-31 13:45:00.25-05:30"),
            Value::uuid("67e55044-10b1-426f-9247-BB680E5FE0C8"),
            Value::json(r#" {"a": [1, -2.5e3, true, null, "x\"\u00e9"], "b": {}} "#),
            Value::json("[]"),
            Value::json("\"text\""),
        ] {
            assert_eq!(good.invalid(), None, "{good:?}");
        }
        for bad in [
            Value::decimal("1e5"),
            Value::decimal("12."),
            Value::decimal(".5"),
            Value::decimal("abc"),
            Value::date("2023-02-29"),
            Value::date("31/01/2024"),
            Value::date("2024-1-31"),
            Value::time("24:00:00"),
            Value::time("12:00"),
            Value::time("12:00:00.1234567"),
            Value::time("12:00:00."),
            Value::timestamp("2024-01-31"),
            Value::timestamp("2024-01-31 13:45:00+02:00"),
            Value::timestamp_tz("2024-01-31 13:45:00"),
            Value::timestamp_tz("2024-01-31 13:45:00+2:00"),
            Value::uuid("67e55044-10b1-426f-9247"),
            Value::uuid("67e55044x10b1-426f-9247-bb680e5fe0c8"),
            Value::json("{a: 1}"),
            Value::json("[1,]"),
            Value::json("01"),
            Value::json("{} {}"),
            Value::json(""),
        ] {
            assert!(bad.invalid().is_some(), "{bad:?} should be refused");
        }
        assert_eq!(Value::Str("anything".into()).invalid(), None);
    }

    #[test]
    fn instants_convert_to_utc_keeping_the_fraction() {
        assert_eq!(
            Value::utc_timestamp("2024-01-01 01:30:00.25+02:00").as_deref(),
            Some("2023-12-31 23:30:00.25")
        );
        assert_eq!(
            Value::utc_timestamp("2024-01-31T22:00:00-03:00").as_deref(),
            Some("2024-02-01 01:00:00")
        );
        assert_eq!(
            Value::utc_timestamp("2024-01-31 22:00:00Z").as_deref(),
            Some("2024-01-31 22:00:00")
        );
    }

    #[test]
    fn chrono_values_convert_to_the_typed_values() {
        let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
        let time = chrono::NaiveTime::from_hms_micro_opt(13, 45, 0, 250_000).unwrap();
        assert_eq!(Value::from(date), Value::date("2024-01-31"));
        assert_eq!(Value::from(time), Value::time("13:45:00.250000"));
        assert_eq!(
            Value::from(date.and_time(time)),
            Value::timestamp("2024-01-31 13:45:00.250000")
        );
        let utc = chrono::DateTime::<chrono::Utc>::from_naive_utc_and_offset(
            date.and_time(time),
            chrono::Utc,
        );
        assert_eq!(
            Value::from(utc),
            Value::timestamp_tz("2024-01-31 13:45:00.250000+00:00")
        );
        for v in [
            Value::from(date),
            Value::from(time),
            Value::from(utc),
            Value::from(date.and_time(time)),
        ] {
            assert_eq!(v.invalid(), None, "{v:?}");
        }
    }

    #[test]
    fn precisions_out_of_range_are_invalid_types() {
        assert!(Type::Float(0).invalid().is_some());
        assert!(Type::Float(54).invalid().is_some());
        assert_eq!(Type::Float(1).invalid(), None);
        assert_eq!(Type::Float(53).invalid(), None);
        assert!(Type::TimePrecision(7).invalid().is_some());
        assert!(Type::TimestampPrecision(7).invalid().is_some());
        assert!(Type::TimestampTzPrecision(9).invalid().is_some());
        assert_eq!(Type::TimestampTzPrecision(0).invalid(), None);
        assert_eq!(Type::Varchar.invalid(), None);
    }
}
