//! Authentication and authorisation: bearer tokens checked against a shared
//! secret or a key set (`verify`, `keys`), roles and organisations read from
//! their claims (`claims`), each route's rule enforced before its handler
//! (`access`), and rules about the object itself checked by handlers (`scope`).

/// Route rules and the middleware that enforces them.
pub mod access;
/// Building the authenticator from settings.
mod build;
/// The caller a request carries after the access check.
pub mod caller;
/// Reading roles and organisations from a token's claims.
pub mod claims;
/// The generated development secret and `waymark token`.
pub mod dev;
/// Verification keys: a shared secret or a cached key set.
pub mod keys;
/// The ordered roles.
pub mod role;
/// Organisation scope and publication checks on the objects themselves.
pub mod scope;
/// Auth configuration from the environment.
pub mod settings;
/// Tokens already verified, kept until they expire.
pub mod verified;
/// Token verification.
pub mod verify;

pub use access::{Access, Authenticator};
pub use build::authenticator;
pub use caller::{Caller, Principal};
pub use role::Role;
