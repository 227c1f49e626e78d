//! The partnership's vocabulary: closed sets of values (kinds, statuses) and the
//! rules on them that hold whatever the transport or the database.

#[macro_use]
mod text_enum;
pub use text_enum::TextEnum;
pub mod action;
pub mod change;
pub mod external_ref;
pub mod governance;
pub mod links;
pub mod meeting;
pub mod organisation;
pub mod owner;
pub mod period;
pub mod plan;
pub mod reporting;
pub mod resource;
pub use resource::ResourceType;
pub mod when;
