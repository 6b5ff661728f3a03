//! The blog's schema as models: what the application wants. `cargo schema check` fails when
//! these and the migrations disagree, and `cargo schema revision --autogenerate -m ".."` writes
//! the revision that closes the gap.

use chrono::{DateTime, Utc};
use schema_runtime::model::ModelSet;
use schema_runtime::Model;

/// A registered user.
#[derive(Model)]
#[model(table = "users")]
pub struct User {
    #[model(primary_key, identity)]
    pub id: i64,
    #[model(length = 255, unique)]
    pub email: String,
    #[model(length = 100)]
    pub display_name: String,
    #[model(default_now)]
    pub created_at: DateTime<Utc>,
    pub bio: Option<String>,
}

/// A blog post.
#[derive(Model)]
#[model(table = "posts", unique_index = ["slug"])]
pub struct Post {
    #[model(primary_key, identity)]
    pub id: i64,
    #[model(index)]
    pub author_id: i64,
    #[model(length = 200)]
    pub title: String,
    pub body: String,
    #[model(default = false)]
    pub published: bool,
    #[model(default_now)]
    pub created_at: DateTime<Utc>,
    #[model(length = 200)]
    pub slug: Option<String>,
}

/// A comment on a post.
#[derive(Model)]
#[model(table = "comments", index = ["post_id", "created_at"])]
pub struct Comment {
    #[model(primary_key, identity)]
    pub id: i64,
    pub post_id: i64,
    pub author_id: i64,
    pub body: String,
    #[model(default_now)]
    pub created_at: DateTime<Utc>,
}

/// A tag.
#[derive(Model)]
#[model(table = "tags")]
pub struct Tag {
    #[model(primary_key, identity)]
    pub id: i32,
    #[model(length = 50, unique)]
    pub name: String,
}

/// Which tags a post has.
#[derive(Model)]
#[model(table = "post_tags", primary_key = ["post_id", "tag_id"])]
pub struct PostTag {
    pub post_id: i64,
    pub tag_id: i32,
}

/// Every model of the blog.
pub static MODELS: ModelSet = schema_runtime::models![User, Post, Comment, Tag, PostTag];
