//! Reading who the caller is from a verified token's claims. Identity providers
//! put roles and organisations in different places (`roles` in Entra ID,
//! `realm_access.roles` in Keycloak, a space-separated `scope`), and name roles
//! their own way (`Waymark.Editor`), so both the places and the names come from
//! configuration.

use serde_json::Value;

use super::role::Role;

/// Who a verified token says the caller is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    /// The highest role the token grants; `None` when it names none we know.
    pub role: Option<Role>,
    /// The organisation code the token names.
    pub organisation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimMap {
    /// Where the roles are, as a path of object keys: `["realm_access", "roles"]`.
    pub roles_path: Vec<String>,
    /// The provider's role names and the roles they mean; empty means our own names.
    pub role_names: Vec<(String, Role)>,
    /// Where the organisation is.
    pub organisation_path: Vec<String>,
    /// The provider's organisation values and the organisation codes they mean;
    /// a value not listed is taken as a code itself.
    pub organisation_names: Vec<(String, String)>,
}

impl Default for ClaimMap {
    fn default() -> Self {
        ClaimMap {
            roles_path: vec!["roles".into()],
            role_names: Vec::new(),
            organisation_path: vec!["org".into()],
            organisation_names: Vec::new(),
        }
    }
}

/// A dotted claim path: `realm_access.roles` → `["realm_access", "roles"]`.
pub fn parse_path(text: &str) -> Result<Vec<String>, String> {
    let parts: Vec<String> = text.split('.').map(|p| p.trim().to_string()).collect();
    if parts.iter().any(String::is_empty) {
        return Err(format!(
            "{text:?} is not a claim path such as roles or realm_access.roles"
        ));
    }
    Ok(parts)
}

/// `name=value` pairs separated by commas: `Waymark.Editor=editor,Waymark.Admin=admin`.
pub fn parse_pairs(text: &str) -> Result<Vec<(String, String)>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() && !value.trim().is_empty() => {
                Ok((name.trim().to_string(), value.trim().to_string()))
            }
            _ => Err(format!("{pair:?} is not a NAME=VALUE pair")),
        })
        .collect()
}

fn at_path<'a>(claims: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(claims, |value, key| value.get(key))
}

/// Strings at a claim: an array of strings, or one string. Only a scope claim
/// (`scope`, `scp`) packs several values into one string, space-separated
/// (`split`); elsewhere a string is one value, spaces and all (`BLMK ICB`).
fn strings(value: Option<&Value>, split: bool) -> Vec<&str> {
    match value {
        Some(Value::String(s)) if split => s.split_whitespace().collect(),
        Some(Value::String(s)) if s.trim().is_empty() => Vec::new(),
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether a role claim is an OAuth scope, a space-separated list by definition.
fn is_scope(path: &[String]) -> bool {
    matches!(path.last().map(String::as_str), Some("scope" | "scp"))
}

impl ClaimMap {
    fn role_of(&self, name: &str) -> Option<Role> {
        if self.role_names.is_empty() {
            return name.parse().ok();
        }
        self.role_names
            .iter()
            .find(|(provider, _)| provider == name)
            .map(|(_, role)| *role)
    }

    /// The highest role the claims grant, if any.
    pub fn role(&self, claims: &Value) -> Option<Role> {
        let split = is_scope(&self.roles_path);
        strings(at_path(claims, &self.roles_path), split)
            .into_iter()
            .filter_map(|name| self.role_of(name))
            .max()
    }

    /// The organisation code the claims name, if any.
    pub fn organisation(&self, claims: &Value) -> Option<String> {
        // One organisation: a string claim is its code whole, never a list.
        let value = strings(at_path(claims, &self.organisation_path), false)
            .into_iter()
            .next()?;
        let code = self
            .organisation_names
            .iter()
            .find(|(provider, _)| provider == value)
            .map_or(value, |(_, code)| code.as_str());
        Some(code.to_string())
    }

    /// The caller the claims describe; `None` when there is no subject, or
    /// when the subject or organisation holds NUL (see `api::nul`): both are
    /// written with every change the caller makes.
    pub fn identity(&self, claims: &Value) -> Option<Identity> {
        let subject = claims.get("sub")?.as_str()?.to_string();
        let organisation = self.organisation(claims);
        let has_nul = |text: &str| text.contains('\0');
        if has_nul(&subject) || organisation.as_deref().is_some_and(has_nul) {
            return None;
        }
        Some(Identity {
            subject,
            role: self.role(claims),
            organisation,
        })
    }

    /// The claims a token minted here carries for `role` and `organisation`,
    /// written where this map reads them and named as the provider would.
    pub fn mint(&self, claims: &mut Value, role: Role, organisation: Option<&str>) {
        let role_name = self
            .role_names
            .iter()
            .find(|(_, r)| *r == role)
            .map_or(role.as_str(), |(name, _)| name.as_str());
        let roles = if is_scope(&self.roles_path) {
            Value::String(role_name.to_string())
        } else {
            Value::Array(vec![Value::String(role_name.to_string())])
        };
        set_at(claims, &self.roles_path, roles);
        if let Some(code) = organisation {
            let value = self
                .organisation_names
                .iter()
                .find(|(_, c)| c == code)
                .map_or(code, |(provider, _)| provider.as_str());
            set_at(
                claims,
                &self.organisation_path,
                Value::String(value.to_string()),
            );
        }
    }
}

fn set_at(claims: &mut Value, path: &[String], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut target = claims;
    for key in parents {
        if !target.get(key).is_some_and(Value::is_object) {
            target[key] = Value::Object(Default::default());
        }
        target = &mut target[key];
    }
    target[last] = value;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn keycloak() -> ClaimMap {
        ClaimMap {
            roles_path: parse_path("realm_access.roles").unwrap(),
            role_names: vec![("waymark-editor".into(), Role::Editor)],
            organisation_path: parse_path("partner.code").unwrap(),
            organisation_names: vec![("cnwl-nhs".into(), "CNWL".into())],
        }
    }

    #[test]
    fn the_highest_mapped_role_wins_and_unknown_names_are_ignored() {
        let map = ClaimMap::default();
        let claims = json!({"sub": "a", "roles": ["offline_access", "viewer", "editor"]});
        assert_eq!(map.role(&claims), Some(Role::Editor));
    }

    #[test]
    fn roles_can_be_nested_and_renamed() {
        let claims = json!({"realm_access": {"roles": ["waymark-editor", "editor"]}});
        assert_eq!(keycloak().role(&claims), Some(Role::Editor));
        let claims = json!({"realm_access": {"roles": ["admin"]}});
        assert_eq!(keycloak().role(&claims), None, "only mapped names count");
    }

    #[test]
    fn a_scope_string_is_split_on_spaces() {
        let map = ClaimMap {
            roles_path: vec!["scp".into()],
            ..ClaimMap::default()
        };
        assert_eq!(
            map.role(&json!({"scp": "openid viewer contributor"})),
            Some(Role::Contributor)
        );
    }

    #[test]
    fn organisations_are_mapped_or_taken_as_codes() {
        let map = keycloak();
        assert_eq!(
            map.organisation(&json!({"partner": {"code": "cnwl-nhs"}}))
                .as_deref(),
            Some("CNWL")
        );
        assert_eq!(
            map.organisation(&json!({"partner": {"code": "MKCC"}}))
                .as_deref(),
            Some("MKCC")
        );
        assert_eq!(map.organisation(&json!({"partner": {}})), None);
    }

    #[test]
    fn an_organisation_string_is_one_code_spaces_and_all() {
        let map = ClaimMap::default();
        assert_eq!(
            map.organisation(&json!({"org": "BLMK ICB"})).as_deref(),
            Some("BLMK ICB")
        );
        assert_eq!(map.organisation(&json!({"org": " "})), None);
        assert_eq!(
            map.role(&json!({"roles": "viewer editor"})),
            None,
            "only scope claims are space-separated lists"
        );
    }

    #[test]
    fn minted_claims_read_back_as_the_same_caller() {
        let map = keycloak();
        let mut claims = json!({"sub": "dev"});
        map.mint(&mut claims, Role::Editor, Some("CNWL"));
        assert_eq!(claims["realm_access"]["roles"], json!(["waymark-editor"]));
        let identity = map.identity(&claims).unwrap();
        assert_eq!(identity.role, Some(Role::Editor));
        assert_eq!(identity.organisation.as_deref(), Some("CNWL"));
    }

    #[test]
    fn bad_pairs_and_paths_are_refused() {
        assert!(parse_pairs("a=b,c").is_err());
        assert!(parse_path("realm_access..roles").is_err());
        assert_eq!(
            parse_pairs(" a = b ,").unwrap(),
            vec![("a".into(), "b".into())]
        );
    }
}
