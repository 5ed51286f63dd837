//! Sealing secrets at rest with AES-256-GCM.

use crate::StoreError;
use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};

/// Length of the encryption key in bytes.
pub const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 12;

/// Encrypts and decrypts secrets with one AES-256-GCM key; the output is `nonce || ciphertext`.
#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
}

impl SecretBox {
    /// Builds a box from a 32-byte key.
    pub fn new(key: &[u8; KEY_LEN]) -> Self {
        Self {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key)),
        }
    }

    /// Parses a key given as 64 hex characters or as standard base64 of 32 bytes.
    pub fn parse_key(text: &str) -> Option<[u8; KEY_LEN]> {
        use base64::Engine;
        let t = text.trim();
        let bytes = hex::decode(t)
            .ok()
            .or_else(|| base64::engine::general_purpose::STANDARD.decode(t).ok())?;
        bytes.try_into().ok()
    }

    /// Encrypts a secret with a fresh random nonce.
    pub fn seal(&self, plaintext: &[u8]) -> Vec<u8> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let mut out = nonce.to_vec();
        // Encryption with a valid key and a 12-byte nonce cannot fail for in-memory buffers.
        let ct = self.cipher.encrypt(&nonce, plaintext).unwrap_or_default();
        out.extend_from_slice(&ct);
        out
    }

    /// Decrypts what [`SecretBox::seal`] produced.
    pub fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        if sealed.len() < NONCE_LEN {
            return Err(StoreError::Decrypt);
        }
        let (nonce, ct) = sealed.split_at(NONCE_LEN);
        self.cipher
            .decrypt(Nonce::from_slice(nonce), ct)
            .map_err(|_| StoreError::Decrypt)
    }
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper() {
        let b = SecretBox::new(&[7u8; KEY_LEN]);
        let sealed = b.seal(b"unb=1; cookie2=x");
        assert_ne!(&sealed[NONCE_LEN..], b"unb=1; cookie2=x");
        assert_eq!(
            b.open(&sealed).ok().as_deref(),
            Some(&b"unb=1; cookie2=x"[..])
        );
        let mut bad = sealed.clone();
        if let Some(last) = bad.last_mut() {
            *last ^= 1;
        }
        assert!(b.open(&bad).is_err());
        assert!(SecretBox::new(&[8u8; KEY_LEN]).open(&sealed).is_err());
        assert!(b.open(&[1, 2, 3]).is_err());
    }

    #[test]
    fn key_formats() {
        assert!(SecretBox::parse_key(&"ab".repeat(32)).is_some());
        assert!(SecretBox::parse_key("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").is_some());
        assert!(SecretBox::parse_key("short").is_none());
    }
}
