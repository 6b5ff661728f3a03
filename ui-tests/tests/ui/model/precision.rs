use schema_runtime::Model;

// The derive maps a field by its type's name; these stand in for chrono's.
type NaiveDateTime = String;
type NaiveTime = String;

#[derive(Model)]
#[model(table = "events")]
pub struct Event {
    #[model(primary_key)]
    id: i64,
    // Fractional-second digits go from 0 to 6.
    #[model(precision = 9)]
    at: NaiveDateTime,
    // A float's precision is its binary digits, 1 to 53.
    #[model(precision = 0)]
    ratio: f64,
    // No precision for an integer.
    #[model(precision = 4)]
    count: i32,
    // Scale belongs to a decimal.
    #[model(scale = 2)]
    opens_at: NaiveTime,
}

fn main() {}
