//! Development tokens: without auth configuration the server makes an HS256
//! secret once, keeps it in its data directory, and `waymark token` signs tokens
//! with it (or with a configured `WAYMARK_AUTH_SECRET`), so a newcomer can call
//! every endpoint from the first minute.

use std::{
    fs,
    io::Write,
    path::Path,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use jsonwebtoken::{encode, EncodingKey, Header};
use serde_json::json;

use super::{
    role::Role,
    settings::{AuthSettings, KeySource},
};

/// The secret in `path`, made (32 random bytes, base64url) when the file is missing.
/// Returns the secret and whether it was made now.
pub fn load_or_create_secret(path: &Path) -> Result<(String, bool), String> {
    match fs::read_to_string(path) {
        Ok(text) if text.trim().len() >= super::settings::MIN_SECRET_BYTES => {
            return Ok((text.trim().to_string(), false))
        }
        Ok(_) => {
            return Err(format!(
                "{} holds a secret shorter than 32 bytes",
                path.display()
            ))
        }
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(format!("cannot read {}: {e}", path.display()))
        }
        Err(_) => {}
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness for a secret: {e}"))?;
    let secret = URL_SAFE_NO_PAD.encode(bytes);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let made = write_private(path, &secret)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    if made {
        return Ok((secret, true));
    }
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok((text.trim().to_string(), false))
}

/// Writes a file only its owner may read; `create_new` so that two processes
/// starting at once cannot both make a secret (the loser reads the winner's).
/// Returns whether this call wrote it.
fn write_private(path: &Path, text: &str) -> std::io::Result<bool> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => file.write_all(text.as_bytes()).map(|()| true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

/// How to run this binary again from the current directory, as a shell takes
/// it: `./target/release/waymark` after `cargo run --release`, or `waymark` when
/// the PATH found it (as in the container).
pub fn program() -> String {
    let Some(argv0) = std::env::args_os().next() else {
        return "waymark".into();
    };
    let path = Path::new(&argv0);
    if path.components().count() < 2 {
        return path.display().to_string();
    }
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
    match relative {
        Some(rel) => format!("./{}", rel.display()),
        None if path.is_relative() && !path.starts_with(".") => {
            format!("./{}", path.display())
        }
        None => path.display().to_string(),
    }
}

/// The command that mints a token this server accepts, run from the current
/// directory: `waymark token` looks for the secret in `./data` unless told
/// otherwise, so a server keeping it elsewhere names its directory.
pub fn token_command(secret: &Path, options: &str) -> String {
    let dir = secret.parent().unwrap_or(Path::new(""));
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    let prefix = if same(dir, Path::new(DEFAULT_DATA_DIR)) {
        String::new()
    } else {
        format!(
            "WAYMARK_DATA_DIR={} ",
            shell_word(&dir.display().to_string())
        )
    };
    format!("{prefix}{} token {options}", shell_word(&program()))
}

/// Where `waymark token` looks for the development secret with no settings.
pub const DEFAULT_DATA_DIR: &str = "data";

/// What a refused development token is told: which secret the server checks
/// against and the command that signs with it.
pub fn refusal_hint(secret: &Path) -> String {
    let file = secret
        .canonicalize()
        .unwrap_or_else(|_| secret.to_path_buf());
    format!(
        "this development server checks tokens against the secret in {}; mint one \
         that matches from {} with `{}`",
        file.display(),
        std::env::current_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_else(|_| "its directory".into()),
        token_command(secret, "--sub NAME --role admin")
    )
}

/// A word as a POSIX shell reads it back: quoted when it holds anything but
/// letters, digits and `/._-+=:,@`.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:,@".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// What a minted token says.
pub struct TokenRequest {
    pub subject: String,
    pub role: Role,
    pub organisation: Option<String>,
    pub ttl: Duration,
}

/// Signs a token the server configured by `settings` accepts.
pub fn mint(settings: &AuthSettings, request: &TokenRequest) -> Result<String, String> {
    let secret = match &settings.keys {
        KeySource::Secret(secret) => secret.0.clone(),
        KeySource::Generated(path) => load_or_create_secret(path)?.0,
        KeySource::JwksFile(_) | KeySource::JwksUrl(_) => {
            return Err(
                "tokens come from the identity provider when a key set is configured; \
                        `waymark token` signs only with a shared secret"
                    .into(),
            )
        }
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs();
    let mut claims = json!({
        "iss": settings.issuers.first(),
        "aud": settings.audiences.first(),
        "sub": request.subject,
        "iat": now,
        "exp": now + request.ttl.as_secs(),
    });
    settings
        .claims
        .mint(&mut claims, request.role, request.organisation.as_deref());
    let algorithm = settings.algorithms.first().copied().unwrap_or_default();
    encode(
        &Header::new(algorithm),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .map_err(|e| e.to_string())
}

/// Reads a lifetime: `3600`, `90s`, `30m`, `8h` or `7d`; at most 90 days.
pub fn parse_ttl(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let seconds_per = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("{text:?} is not a lifetime such as 30m, 8h or 7d")),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a lifetime such as 30m, 8h or 7d"))?;
    let seconds = n.saturating_mul(seconds_per);
    if seconds == 0 || seconds > 90 * 86_400 {
        return Err(format!("{text:?} must be between 1 second and 90 days"));
    }
    Ok(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_read_with_their_units() {
        assert_eq!(parse_ttl("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_ttl("30m").unwrap(), Duration::from_secs(1800));
        assert_eq!(parse_ttl("8h").unwrap(), Duration::from_secs(28_800));
        assert_eq!(parse_ttl("7d").unwrap(), Duration::from_secs(604_800));
        assert!(parse_ttl("0").is_err());
        assert!(parse_ttl("100d").is_err());
        assert!(parse_ttl("8 hours").is_err());
    }

    #[test]
    fn a_token_command_names_the_data_directory_only_when_it_is_not_the_default() {
        let here = token_command(Path::new("data/dev-token-secret"), "--sub a --role admin");
        assert!(here.ends_with(" token --sub a --role admin"), "{here}");
        assert!(!here.contains("WAYMARK_DATA_DIR"), "{here}");
        let there = token_command(Path::new("/srv/my data/dev-token-secret"), "--sub a");
        assert!(
            there.starts_with("WAYMARK_DATA_DIR='/srv/my data' "),
            "{there}"
        );
        assert_eq!(shell_word("it's"), "'it'\\''s'");
    }

    #[test]
    fn a_secret_is_made_once_and_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/dev-token-secret");
        let (first, made) = load_or_create_secret(&path).unwrap();
        assert!(made);
        assert!(first.len() >= 32);
        let (again, made_again) = load_or_create_secret(&path).unwrap();
        assert_eq!((again, made_again), (first, false));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
