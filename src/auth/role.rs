//! The four roles, in order: each may do what the ones below it may.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A caller's role in Waymark, after the identity provider's names are mapped.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads everything.
    Viewer,
    /// Also reports progress on actions and measures its organisation leads.
    Contributor,
    /// Also creates and changes plans its organisation is a partner in.
    Editor,
    /// Everything, including organisations, owners and governance bodies.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Contributor, Role::Editor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Contributor => "contributor",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("{s:?} is not a role (viewer, contributor, editor, admin)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_from_viewer_to_admin() {
        assert!(Role::Viewer < Role::Contributor);
        assert!(Role::Contributor < Role::Editor);
        assert!(Role::Editor < Role::Admin);
    }

    #[test]
    fn roles_parse_from_their_names_only() {
        assert_eq!("editor".parse::<Role>(), Ok(Role::Editor));
        assert!("Editor".parse::<Role>().is_err());
    }
}
