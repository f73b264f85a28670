//! Secrets: password hashing (argon2id with OWASP's parameters), random tokens for sessions and API
//! tokens, generated passwords, and the rules a new password must meet.
//!
//! Only hashes of session ids and API tokens are stored (SHA-256: they are long random values, so a
//! fast hash is enough); passwords are hashed with argon2id.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};

pub const TOKEN_PREFIX: &str = "trellis_";

/// Argon2id with the OWASP parameters: 19 MiB, 2 iterations, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// The PHC string of a password. CPU-heavy (tens of milliseconds): call from blocking threads.
pub fn hash_password(password: &str) -> Result<String, HashError> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Whether the password matches the PHC string. CPU-heavy, like [`hash_password`].
pub fn verify_password(password: &str, phc: &str) -> bool {
    argon2().verify_password(password.as_bytes(), phc).is_ok()
}

/// 32 random bytes as 64 hex digits.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // The operating system's generator failing is not something to recover from.
    getrandom::fill(&mut bytes).expect("the system random number generator is available");
    hex(&bytes)
}

/// A new API token, as shown once to its owner.
pub fn new_api_token() -> String {
    format!("{TOKEN_PREFIX}{}", random_token())
}

/// A password that is strong and can be typed: 24 characters from 31 unambiguous ones (about 118
/// bits), in groups of four.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let alphabet = ALPHABET;
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).expect("the system random number generator is available");
    let mut out = String::new();
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        // 256 is not a multiple of 31; the bias is under 1% per character, far from mattering at
        // 24 characters.
        out.push(alphabet[usize::from(*b) % alphabet.len()] as char);
    }
    out
}

pub fn sha256_hex(value: &str) -> String {
    hex(&Sha256::digest(value.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    s
}

/// Compares secrets without stopping at the first difference.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Rules for a new password, with the message shown when one fails.
pub fn password_problem(password: &str, email: &str) -> Option<&'static str> {
    let len = password.chars().count();
    if len < 12 {
        Some("Use at least 12 characters.")
    } else if len > 256 {
        Some("Use at most 256 characters.")
    } else if password.eq_ignore_ascii_case(email) {
        Some("Do not use your email address as your password.")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_long_and_varied() {
        let a = generate_password();
        let b = generate_password();
        assert_ne!(a, b);
        assert_eq!(a.len(), 29);
        assert!(password_problem(&a, "x@y").is_none());
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }

    #[test]
    fn passwords_verify_against_their_hash_only() {
        let phc = hash_password("correct horse battery").unwrap();
        assert!(verify_password("correct horse battery", &phc));
        assert!(!verify_password("correct horse batterY", &phc));
        assert!(password_problem("short", "x@y").is_some());
        assert!(password_problem("Ann@Example.org", "ann@example.org").is_some());
    }
}
