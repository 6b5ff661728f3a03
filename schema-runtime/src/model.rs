//! Models: Rust structs that describe the target schema (`#[derive(Model)]`), gathered in a
//! [`ModelSet`] that autogenerate compares with the replayed migrations or a live database.

use crate::ops::{Constraint, EnumDef, Op, Ops, TableDef};
use crate::state::{Schema, StateError};
use crate::types::Type;
use crate::NamingConvention;

/// A table described by a Rust struct; `#[derive(Model)]` implements it.
pub trait Model {
    /// Declares the table (and its indexes) with the op builder.
    fn define(op: &mut Ops);

    /// The enum types the table's columns use.
    fn enums() -> Vec<EnumDef> {
        Vec::new()
    }
}

/// A Rust type that maps to a column type. Implemented for the primitive types, `Option<T>`
/// (nullable) and `#[derive(ModelEnum)]` enums; `#[derive(Model)]` maps well-known types of
/// chrono, time, uuid, serde_json and rust_decimal by name, so no dependency is needed here.
pub trait ColumnType {
    /// The column type.
    fn column_type() -> Type;

    /// Whether the column accepts NULL.
    fn nullable() -> bool {
        false
    }

    /// The enum type behind the column, if it is one.
    fn enum_def() -> Option<EnumDef> {
        None
    }
}

macro_rules! column_types {
    ($($rust:ty => $ty:expr),* $(,)?) => {
        $(impl ColumnType for $rust {
            fn column_type() -> Type {
                $ty
            }
        })*
    };
}

column_types! {
    i16 => Type::SmallInt,
    i32 => Type::Integer,
    i64 => Type::BigInt,
    bool => Type::Boolean,
    f32 => Type::Real,
    f64 => Type::Double,
    String => Type::Text,
    Vec<u8> => Type::Bytes,
}

impl<T: ColumnType> ColumnType for Option<T> {
    fn column_type() -> Type {
        T::column_type()
    }

    fn nullable() -> bool {
        true
    }

    fn enum_def() -> Option<EnumDef> {
        T::enum_def()
    }
}

/// A model that cannot be turned into a schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("model `{table}`: {source}")]
pub struct ModelError {
    /// The table of the model.
    pub table: String,
    /// What does not fit.
    #[source]
    pub source: StateError,
}

/// One registered model: its table definition and the enum types it uses.
pub type ModelFns = (fn(&mut Ops), fn() -> Vec<EnumDef>);

/// The models of an application: the schema it wants.
///
/// ```
/// use schema_runtime::model::{Model, ModelSet};
/// use schema_runtime::prelude::*;
///
/// struct User;
/// impl Model for User {
///     fn define(op: &mut Ops) {
///         op.create_table("users", |t| { t.column("id", Type::BigInt).primary_key(); });
///     }
/// }
/// static MODELS: ModelSet = ModelSet::from_static(&[(User::define, User::enums)]);
/// assert!(MODELS.schema().unwrap().table("users").is_some());
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ModelSet {
    models: &'static [ModelFns],
    naming: &'static NamingConvention,
}

static DEFAULT_NAMING: NamingConvention = NamingConvention::DEFAULT;

impl ModelSet {
    /// Wraps the models that [`models!`](crate::models) lists.
    pub const fn from_static(models: &'static [ModelFns]) -> Self {
        ModelSet {
            models,
            naming: &DEFAULT_NAMING,
        }
    }

    /// Names unnamed indexes and constraints with `naming` (use the migrations' convention).
    pub const fn with_naming(self, naming: &'static NamingConvention) -> Self {
        ModelSet {
            models: self.models,
            naming,
        }
    }

    /// The ops that build the models' schema from nothing: enum types, then tables in foreign
    /// key order (keys that close a cycle added afterwards), then indexes.
    pub fn ops(&self) -> Vec<Op> {
        let mut enums: Vec<EnumDef> = Vec::new();
        let mut tables: Vec<TableDef> = Vec::new();
        let mut rest: Vec<Op> = Vec::new();
        for (define, enum_defs) in self.models {
            for e in enum_defs() {
                if !enums.iter().any(|x| x.name == e.name) {
                    enums.push(e);
                }
            }
            let mut ops = Ops::with_naming(self.naming.clone());
            define(&mut ops);
            for op in ops.into_ops() {
                match op {
                    Op::CreateTable { def, .. } => tables.push(def),
                    other => rest.push(other),
                }
            }
        }
        let mut out: Vec<Op> = enums.into_iter().map(Op::CreateEnum).collect();
        let mut placed: Vec<String> = Vec::new();
        let mut later = Vec::new();
        let names: Vec<String> = tables.iter().map(|t| t.name.clone()).collect();
        while !tables.is_empty() {
            let ready = tables.iter().position(|t| {
                t.foreign_keys.iter().all(|fk| {
                    fk.ref_table == t.name
                        || placed.contains(&fk.ref_table)
                        || !names.contains(&fk.ref_table)
                })
            });
            let mut def = tables.remove(ready.unwrap_or(0));
            let (now, cyclic): (Vec<_>, Vec<_>) = def.foreign_keys.drain(..).partition(|fk| {
                fk.ref_table == def.name
                    || placed.contains(&fk.ref_table)
                    || !names.contains(&fk.ref_table)
            });
            def.foreign_keys = now;
            later.extend(cyclic.into_iter().map(|fk| Op::AddConstraint {
                table: def.name.clone(),
                constraint: Constraint::ForeignKey(fk),
            }));
            placed.push(def.name.clone());
            out.push(Op::CreateTable {
                def,
                if_not_exists: false,
            });
        }
        out.extend(later);
        out.extend(rest);
        out
    }

    /// The schema the models describe.
    pub fn schema(&self) -> Result<Schema, ModelError> {
        let mut schema = Schema::default();
        for op in self.ops() {
            schema.apply(&op).map_err(|source| ModelError {
                table: op.table().unwrap_or("?").to_owned(),
                source,
            })?;
        }
        Ok(schema)
    }
}

/// Lists the models of an application: `static MODELS: ModelSet = models![User, Post];`.
#[macro_export]
macro_rules! models {
    ($($model:ty),* $(,)?) => {
        $crate::model::ModelSet::from_static(&[
            $((
                <$model as $crate::model::Model>::define as fn(&mut $crate::Ops),
                <$model as $crate::model::Model>::enums as fn() -> ::std::vec::Vec<$crate::EnumDef>,
            )),*
        ])
    };
}

#[cfg(test)]
mod tests {
    use crate::model::ModelSet;
    use crate::{Model, ModelEnum};

    #[derive(ModelEnum)]
    #[allow(dead_code)]
    enum Mood {
        Happy,
        #[model(rename = "so-so")]
        SoSo,
    }

    #[derive(Model)]
    #[allow(dead_code)]
    #[model(
        table = "people",
        index(columns = ["name"], filter = "deleted IS NULL", name = "live_people"),
        unique_index(columns = [], expression = "lower(email)")
    )]
    struct Person {
        #[model(primary_key, identity)]
        id: i64,
        #[model(length = 100)]
        name: String,
        #[model(length = 255)]
        email: String,
        mood: Option<Mood>,
        deleted: Option<bool>,
    }

    static MODELS: ModelSet = crate::models![Person];

    #[test]
    fn indexes_with_options_and_enum_columns() {
        let schema = MODELS.schema().expect("a schema");
        let live = schema.index("live_people").expect("named partial index");
        assert_eq!(live.predicate.as_deref(), Some("deleted IS NULL"));
        let table = schema.table("people").expect("table");
        assert!(table
            .indexes
            .iter()
            .any(|i| i.unique && i.expressions().eq(["lower(email)"])));
        assert_eq!(
            schema.enum_values("mood").expect("enum"),
            ["happy", "so-so"]
        );
        let mood = table.def.column("mood").expect("column");
        assert!(mood.nullable);
    }
}
