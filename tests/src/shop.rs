//! A shop described by models: 25 tables that use every portable column type (with float and
//! fractional-second precisions), identity, single
//! and composite primary keys, unique constraints (column and table), foreign keys with each
//! action, checks, indexes (unique, several columns), comments and an enum type. Autogenerate
//! turns it into migrations; the tests apply those and compare the live schema with it.

#![allow(missing_docs, dead_code)]

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use schema_runtime::model::ModelSet;
use schema_runtime::{Model, ModelEnum};
use serde_json::Value;
use uuid::Uuid;

/// Stands in for `rust_decimal::Decimal`: the derive maps the type by its name.
pub type Decimal = String;

#[derive(ModelEnum)]
#[model(name = "order_status")]
pub enum OrderStatus {
    Pending,
    Paid,
    Shipped,
    #[model(rename = "cancelled")]
    Canceled,
}

#[derive(Model)]
#[model(table = "countries", comment = "ISO 3166 countries")]
pub struct Country {
    #[model(primary_key, length = 2)]
    code: String,
    #[model(length = 100, unique)]
    name: String,
}

#[derive(Model)]
#[model(table = "currencies")]
pub struct Currency {
    #[model(primary_key, length = 3)]
    code: String,
    #[model(length = 50)]
    name: String,
    decimals: i16,
}

#[derive(Model)]
#[model(table = "customers", index = ["last_name", "first_name"], check = "email_has_at: email LIKE '%@%'")]
pub struct Customer {
    #[model(primary_key, identity)]
    id: i64,
    #[model(length = 255, unique, comment = "login and contact address")]
    email: String,
    #[model(length = 100)]
    first_name: String,
    #[model(length = 100)]
    last_name: String,
    birthday: Option<NaiveDate>,
    #[model(default = true)]
    active: bool,
    #[model(default_now)]
    created_at: DateTime<Utc>,
    #[model(references = "countries.code", on_delete = "set_null", length = 2)]
    country_code: Option<String>,
}

#[derive(Model)]
#[model(table = "addresses")]
pub struct Address {
    #[model(primary_key, identity)]
    id: i64,
    #[model(references = "customers.id", on_delete = "cascade", index)]
    customer_id: i64,
    #[model(length = 200)]
    line1: String,
    #[model(length = 200)]
    line2: Option<String>,
    #[model(length = 100)]
    city: String,
    #[model(length = 20)]
    postal_code: String,
    #[model(references = "countries.code", length = 2)]
    country_code: String,
}

#[derive(Model)]
#[model(table = "categories")]
pub struct Category {
    #[model(primary_key, identity)]
    id: i32,
    #[model(length = 100, unique)]
    slug: String,
    #[model(length = 200)]
    title: String,
    #[model(references = "categories.id", on_delete = "set_null")]
    parent_id: Option<i32>,
}

#[derive(Model)]
#[model(table = "brands")]
pub struct Brand {
    #[model(primary_key, identity)]
    id: i32,
    #[model(length = 100, unique)]
    name: String,
    logo: Option<Vec<u8>>,
}

#[derive(Model)]
#[model(table = "products", check = "price_positive: price >= 0")]
pub struct Product {
    #[model(primary_key, identity)]
    id: i64,
    #[model(length = 64, unique)]
    sku: String,
    #[model(length = 200)]
    name: String,
    description: Option<String>,
    #[model(precision = 12, scale = 2)]
    price: Decimal,
    #[model(references = "currencies.code", length = 3)]
    currency_code: String,
    #[model(references = "brands.id", on_delete = "restrict")]
    brand_id: Option<i32>,
    weight_kg: Option<f64>,
    /// SQLAlchemy's `Float(precision=24)`.
    #[model(precision = 24)]
    rating: Option<f32>,
    #[model(precision = 6)]
    restocked_at: Option<DateTime<Utc>>,
    attributes: Option<Value>,
    #[model(default = false)]
    discontinued: bool,
}

#[derive(Model)]
#[model(table = "product_categories", primary_key = ["product_id", "category_id"])]
pub struct ProductCategory {
    #[model(references = "products.id", on_delete = "cascade")]
    product_id: i64,
    #[model(references = "categories.id", on_delete = "cascade")]
    category_id: i32,
}

#[derive(Model)]
#[model(table = "product_images")]
pub struct ProductImage {
    #[model(primary_key, identity)]
    id: i64,
    #[model(references = "products.id", on_delete = "cascade", index)]
    product_id: i64,
    #[model(length = 500)]
    url: String,
    #[model(default = 0)]
    position: i32,
}

#[derive(Model)]
#[model(table = "warehouses")]
pub struct Warehouse {
    #[model(primary_key, identity)]
    id: i32,
    #[model(length = 100, unique)]
    name: String,
    #[model(references = "countries.code", length = 2)]
    country_code: String,
    #[model(precision = 0)]
    opens_at: Option<NaiveTime>,
    closes_at: Option<NaiveTime>,
}

#[derive(Model)]
#[model(table = "stock_levels", primary_key = ["warehouse_id", "product_id"], check = "quantity_nonnegative: quantity >= 0")]
pub struct StockLevel {
    #[model(references = "warehouses.id", on_delete = "cascade")]
    warehouse_id: i32,
    #[model(references = "products.id", on_delete = "cascade")]
    product_id: i64,
    #[model(default = 0)]
    quantity: i32,
    #[model(precision = 3)]
    counted_at: Option<NaiveDateTime>,
}

#[derive(Model)]
#[model(table = "carts")]
pub struct Cart {
    #[model(primary_key)]
    id: Uuid,
    #[model(references = "customers.id", on_delete = "cascade")]
    customer_id: Option<i64>,
    #[model(default_now)]
    created_at: DateTime<Utc>,
}

#[derive(Model)]
#[model(table = "cart_items", primary_key = ["cart_id", "product_id"])]
pub struct CartItem {
    #[model(references = "carts.id", on_delete = "cascade")]
    cart_id: Uuid,
    #[model(references = "products.id")]
    product_id: i64,
    #[model(default = 1)]
    quantity: i32,
}

#[derive(Model)]
#[model(table = "orders", index = ["customer_id", "placed_at"])]
pub struct Order {
    #[model(primary_key, identity)]
    id: i64,
    #[model(length = 20, unique)]
    number: String,
    #[model(references = "customers.id", on_delete = "restrict")]
    customer_id: i64,
    #[model(default = "pending")]
    status: OrderStatus,
    #[model(precision = 12, scale = 2)]
    total: Decimal,
    #[model(references = "currencies.code", length = 3)]
    currency_code: String,
    #[model(default_now)]
    placed_at: DateTime<Utc>,
    #[model(references = "addresses.id")]
    shipping_address_id: Option<i64>,
}

#[derive(Model)]
#[model(table = "order_lines", primary_key = ["order_id", "line_no"])]
pub struct OrderLine {
    #[model(references = "orders.id", on_delete = "cascade")]
    order_id: i64,
    line_no: i16,
    #[model(references = "products.id")]
    product_id: i64,
    quantity: i32,
    #[model(precision = 12, scale = 2)]
    unit_price: Decimal,
    /// Computed by the database on every write.
    #[model(precision = 14, scale = 2, generated_stored = "quantity * unit_price")]
    line_total: Option<Decimal>,
}

#[derive(Model)]
#[model(table = "payments")]
pub struct Payment {
    #[model(primary_key, identity)]
    id: i64,
    #[model(references = "orders.id", on_delete = "cascade", index)]
    order_id: i64,
    #[model(precision = 12, scale = 2)]
    amount: Decimal,
    #[model(length = 30)]
    method: String,
    paid_at: Option<DateTime<Utc>>,
    gateway_response: Option<Value>,
}

#[derive(Model)]
#[model(table = "shipments")]
pub struct Shipment {
    #[model(primary_key, identity)]
    id: i64,
    #[model(references = "orders.id", on_delete = "cascade", index)]
    order_id: i64,
    #[model(references = "warehouses.id")]
    warehouse_id: i32,
    #[model(length = 50)]
    carrier: String,
    #[model(length = 100, unique)]
    tracking_number: Option<String>,
    shipped_on: Option<NaiveDate>,
}

#[derive(Model)]
#[model(
    table = "coupons",
    check = "percent_range: percent > 0 AND percent <= 100"
)]
pub struct Coupon {
    #[model(primary_key, length = 30)]
    code: String,
    percent: i16,
    valid_until: Option<NaiveDate>,
    #[model(default = 0)]
    times_used: i32,
}

#[derive(Model)]
#[model(table = "order_coupons", primary_key = ["order_id", "coupon_code"])]
pub struct OrderCoupon {
    #[model(references = "orders.id", on_delete = "cascade")]
    order_id: i64,
    #[model(references = "coupons.code", length = 30)]
    coupon_code: String,
}

#[derive(Model)]
#[model(table = "reviews", unique = ["product_id", "customer_id"])]
pub struct Review {
    #[model(primary_key, identity)]
    id: i64,
    #[model(references = "products.id", on_delete = "cascade")]
    product_id: i64,
    #[model(references = "customers.id", on_delete = "cascade")]
    customer_id: i64,
    stars: i16,
    body: Option<String>,
    #[model(default_now)]
    created_at: DateTime<Utc>,
}

#[derive(Model)]
#[model(table = "wishlists")]
pub struct Wishlist {
    #[model(primary_key, identity)]
    id: i64,
    #[model(references = "customers.id", on_delete = "cascade", unique)]
    customer_id: i64,
    #[model(default = false)]
    public: bool,
}

#[derive(Model)]
#[model(table = "wishlist_items", primary_key = ["wishlist_id", "product_id"])]
pub struct WishlistItem {
    #[model(references = "wishlists.id", on_delete = "cascade")]
    wishlist_id: i64,
    #[model(references = "products.id", on_delete = "cascade")]
    product_id: i64,
    added_at: Option<NaiveDateTime>,
}

#[derive(Model)]
#[model(table = "exchange_rates", primary_key = ["currency_code", "day"])]
pub struct ExchangeRate {
    #[model(references = "currencies.code", length = 3)]
    currency_code: String,
    day: NaiveDate,
    rate: f64,
    ratio: f32,
}

#[derive(Model)]
#[model(table = "audit_events", comment = "append-only audit trail")]
pub struct AuditEvent {
    #[model(primary_key, identity)]
    id: i64,
    #[model(length = 50, index)]
    kind: String,
    payload: Value,
    #[model(default_now)]
    at: DateTime<Utc>,
    source: Option<Uuid>,
}

#[derive(Model)]
#[model(table = "settings")]
pub struct Setting {
    #[model(primary_key, length = 100)]
    key: String,
    value: Option<String>,
    blob: Option<Vec<u8>>,
    #[model(sql_type = "CHAR(8)")]
    version_tag: Option<String>,
}

#[derive(Model)]
#[model(table = "newsletter_subscriptions", unique_index = ["email"])]
pub struct NewsletterSubscription {
    #[model(primary_key, identity)]
    id: i64,
    #[model(length = 255)]
    email: String,
    #[model(default_now)]
    subscribed_at: DateTime<Utc>,
    unsubscribed_at: Option<DateTime<Utc>>,
}

/// Every model of the shop.
pub static MODELS: ModelSet = schema_runtime::models![
    Country,
    Currency,
    Customer,
    Address,
    Category,
    Brand,
    Product,
    ProductCategory,
    ProductImage,
    Warehouse,
    StockLevel,
    Cart,
    CartItem,
    Order,
    OrderLine,
    Payment,
    Shipment,
    Coupon,
    OrderCoupon,
    Review,
    Wishlist,
    WishlistItem,
    ExchangeRate,
    AuditEvent,
    Setting,
    NewsletterSubscription,
];
