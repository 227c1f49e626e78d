//! Closed sets of values that travel as lowercase text: in JSON, in the OpenAPI
//! spec as an `enum`, and in a TEXT column on both databases.

/// Declares an enum with its wire names; gives it serde, an OpenAPI schema, and
/// diesel's Text mapping (an unknown stored value is a deserialisation error, not
/// a silent default). The wire name is taken as a token tree, not a `literal`
/// fragment: utoipa does not see through the group a `literal` fragment is
/// passed in, and would name the values by their Rust variants.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
            diesel::AsExpression, diesel::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl $crate::domain::TextEnum for $name {
            fn all() -> &'static [Self] {
                Self::ALL
            }

            fn as_text(self) -> &'static str {
                self.as_str()
            }

            fn from_text(text: &str) -> Option<Self> {
                Self::parse(text)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let text = String::from_sql(bytes)?;
                $name::parse(&text).ok_or_else(|| {
                    format!("{text:?} is not a {}", stringify!($name)).into()
                })
            }
        }
    };
}

/// What every `text_enum!` type offers, for code generic over them (query
/// filters taking one value or several).
pub trait TextEnum: Sized + Copy + PartialEq + 'static {
    fn all() -> &'static [Self];
    fn as_text(self) -> &'static str;
    fn from_text(text: &str) -> Option<Self>;
}
