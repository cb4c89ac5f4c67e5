//! RFC 6962 Merkle tree heads over the audit log, and checkpoints of them.
//!
//! A leaf is `SHA-256(0x00 ‖ event hash)` (the event's 32-byte chain hash), an
//! interior node `SHA-256(0x01 ‖ left ‖ right)`, and a tree of n leaves splits at
//! the largest power of two below n. The root of the first n events is a compact
//! commitment to them: if a checkpoint of it is kept elsewhere, any later rewrite
//! of those events, even one that recomputes every chain hash, changes the root.
//!
//! Checkpoints are written as C2SP `tlog-checkpoint` notes (origin line, tree
//! size, base64 root), optionally signed in the C2SP `signed-note` format with an
//! Ed25519 key: a signature line is `— <key name> <base64(key id ‖ signature)>`,
//! where the key id is the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key).

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Builds a tree head one leaf at a time in O(log n) memory: a stack of perfect
/// subtrees, merged whenever two of the same size meet. Folding the stack from the
/// right gives the RFC 6962 root, whose left subtrees are all perfect.
#[derive(Debug, Default, Clone)]
pub struct TreeBuilder {
    stack: Vec<(Hash, u64)>,
    size: u64,
}

impl TreeBuilder {
    pub fn push_leaf_hash(&mut self, leaf: Hash) {
        let mut node = (leaf, 1u64);
        while let Some(&(top, n)) = self.stack.last() {
            if n != node.1 {
                break;
            }
            self.stack.pop();
            node = (node_hash(&top, &node.0), n * 2);
        }
        self.stack.push(node);
        self.size += 1;
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The root of the leaves pushed so far (SHA-256 of nothing for none).
    pub fn root(&self) -> Hash {
        let mut iter = self.stack.iter().rev();
        let Some(&(mut acc, _)) = iter.next() else {
            return Sha256::digest([]).into();
        };
        for (left, _) in iter {
            acc = node_hash(left, &acc);
        }
        acc
    }
}

/// A checkpoint: which log, how many events, and their root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    /// Signature lines: (key name, base64 payload).
    pub signatures: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("not a checkpoint: {0}")]
    Malformed(String),
    #[error("the key file is not a claimtrail signing key: {0}")]
    BadKey(String),
}

impl Checkpoint {
    /// The note body that is signed: three lines, each ending in a newline.
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            B64.encode(self.root)
        )
    }

    /// The full note text: the body, then a blank line and signature lines if any.
    pub fn text(&self) -> String {
        let mut out = self.body();
        if !self.signatures.is_empty() {
            out.push('\n');
            for (name, sig) in &self.signatures {
                out.push_str(&format!("— {name} {sig}\n"));
            }
        }
        out
    }

    pub fn parse(text: &str) -> Result<Checkpoint, CheckpointError> {
        let bad = |why: &str| CheckpointError::Malformed(why.to_string());
        let (body, sigs) = match text.split_once("\n\n") {
            Some((b, s)) => (b, s),
            None => (
                text.strip_suffix('\n')
                    .ok_or_else(|| bad("it does not end with a newline"))?,
                "",
            ),
        };
        let lines: Vec<&str> = body.split('\n').collect();
        let [origin, size, root, ..] = lines.as_slice() else {
            return Err(bad("it needs an origin line, a tree size and a root hash"));
        };
        if origin.is_empty() || origin.chars().any(char::is_control) {
            return Err(bad("the origin line is empty or holds control characters"));
        }
        let size: u64 = size
            .parse()
            .ok()
            .filter(|_| size.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| {
                bad(&format!(
                    "the tree size `{}` is not a number",
                    crate::anchor::clip(size, 30)
                ))
            })?;
        let root: Hash = B64
            .decode(root)
            .ok()
            .and_then(|r| r.try_into().ok())
            .ok_or_else(|| bad("the root is not a base64 SHA-256 hash"))?;
        let mut signatures = Vec::new();
        for line in sigs.lines().filter(|l| !l.is_empty()) {
            let rest = line
                .strip_prefix("— ")
                .ok_or_else(|| bad("a signature line must start with \"— \""))?;
            let (name, sig) = rest
                .rsplit_once(' ')
                .ok_or_else(|| bad("a signature line needs a key name and a signature"))?;
            signatures.push((name.to_string(), sig.to_string()));
        }
        Ok(Checkpoint {
            origin: origin.to_string(),
            size,
            root,
            signatures,
        })
    }
}

/// An Ed25519 signing key with its name, as C2SP signed notes use them.
pub struct NoteKey {
    pub name: String,
    key: SigningKey,
}

impl NoteKey {
    /// A new random key.
    pub fn generate(name: &str) -> Result<NoteKey, CheckpointError> {
        check_name(name)?;
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)
            .map_err(|e| CheckpointError::BadKey(format!("no randomness: {e}")))?;
        Ok(NoteKey {
            name: name.to_string(),
            key: SigningKey::from_bytes(&seed),
        })
    }

    /// `PRIVATE+KEY+<name>+<key id hex>+<base64(0x01 ‖ seed)>`.
    pub fn to_private_text(&self) -> String {
        let mut bytes = vec![1u8];
        bytes.extend_from_slice(&self.key.to_bytes());
        format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            self.key_id(),
            B64.encode(bytes)
        )
    }

    pub fn parse_private(text: &str) -> Result<NoteKey, CheckpointError> {
        let bad = |why: &str| CheckpointError::BadKey(why.to_string());
        let rest = text
            .trim()
            .strip_prefix("PRIVATE+KEY+")
            .ok_or_else(|| bad("it does not start with PRIVATE+KEY+"))?;
        // Names hold no `+`, key ids are hex; base64 may hold `+`, so split from the left.
        let mut parts = rest.splitn(3, '+');
        let (Some(name), Some(_id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("it needs a name, a key id and the key"));
        };
        let bytes = B64.decode(b64).map_err(|_| bad("the key is not base64"))?;
        let seed: [u8; 32] = match bytes.split_first() {
            Some((1, seed)) => seed
                .try_into()
                .map_err(|_| bad("the key has the wrong length"))?,
            _ => return Err(bad("only Ed25519 keys (algorithm 1) are supported")),
        };
        check_name(name)?;
        Ok(NoteKey {
            name: name.to_string(),
            key: SigningKey::from_bytes(&seed),
        })
    }

    /// The public verifier key: `<name>+<key id hex>+<base64(0x01 ‖ public key)>`.
    pub fn verifier(&self) -> String {
        verifier_text(&self.name, &self.key.verifying_key())
    }

    fn key_id(&self) -> u32 {
        key_id(&self.name, &self.key.verifying_key())
    }

    /// Adds this key's signature to the checkpoint.
    pub fn sign(&self, cp: &mut Checkpoint) {
        let sig = self.key.sign(cp.body().as_bytes());
        let mut payload = self.key_id().to_be_bytes().to_vec();
        payload.extend_from_slice(&sig.to_bytes());
        cp.signatures.push((self.name.clone(), B64.encode(payload)));
    }
}

fn check_name(name: &str) -> Result<(), CheckpointError> {
    if name.is_empty()
        || name.contains('+')
        || name.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(CheckpointError::BadKey(format!(
            "`{name}` cannot name a key: no spaces, no `+`"
        )));
    }
    Ok(())
}

fn key_id(name: &str, key: &VerifyingKey) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([1u8]);
    h.update(key.as_bytes());
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

fn verifier_text(name: &str, key: &VerifyingKey) -> String {
    let mut bytes = vec![1u8];
    bytes.extend_from_slice(key.as_bytes());
    format!("{name}+{:08x}+{}", key_id(name, key), B64.encode(bytes))
}

/// What a verifier key makes of a checkpoint's signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureCheck {
    /// A signature by this key verifies.
    Valid,
    /// The checkpoint carries no signature by this key.
    Missing,
    /// A signature claims to be by this key and does not verify.
    Invalid,
}

/// Checks the checkpoint's signature by the key `vkey` (`<name>+<id>+<base64>`).
pub fn check_signature(cp: &Checkpoint, vkey: &str) -> Result<SignatureCheck, CheckpointError> {
    let bad = |why: &str| CheckpointError::BadKey(why.to_string());
    let mut parts = vkey.trim().splitn(3, '+');
    let (Some(name), Some(_), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad("a verifier key reads NAME+KEYID+KEY"));
    };
    let bytes = B64
        .decode(b64)
        .map_err(|_| bad("the verifier key is not base64"))?;
    let public: [u8; 32] = match bytes.split_first() {
        Some((1, k)) => k
            .try_into()
            .map_err(|_| bad("the verifier key has the wrong length"))?,
        _ => {
            return Err(bad(
                "only Ed25519 verifier keys (algorithm 1) are supported",
            ))
        }
    };
    let key = VerifyingKey::from_bytes(&public)
        .map_err(|_| bad("the verifier key is not a valid Ed25519 key"))?;
    let id = key_id(name, &key).to_be_bytes();
    let mut seen = false;
    for (sig_name, payload) in &cp.signatures {
        if sig_name != name {
            continue;
        }
        let Ok(raw) = B64.decode(payload) else {
            return Ok(SignatureCheck::Invalid);
        };
        if raw.len() != 68 || raw[..4] != id {
            continue;
        }
        seen = true;
        let sig = ed25519_dalek::Signature::from_bytes(raw[4..].try_into().expect("64 bytes"));
        if key.verify(cp.body().as_bytes(), &sig).is_ok() {
            return Ok(SignatureCheck::Valid);
        }
    }
    Ok(if seen {
        SignatureCheck::Invalid
    } else {
        SignatureCheck::Missing
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blobs::hex;

    /// The RFC 6962 reference leaves (as in certificate-transparency's test data).
    const LEAVES: [&str; 8] = [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ];

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn root_of(n: usize) -> String {
        let mut t = TreeBuilder::default();
        for leaf in &LEAVES[..n] {
            t.push_leaf_hash(leaf_hash(&unhex(leaf)));
        }
        hex(&t.root())
    }

    #[test]
    fn roots_match_the_rfc_6962_reference_values() {
        let expected = [
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        for n in [0, 1, 2, 3, 7, 8] {
            assert_eq!(root_of(n), expected[n], "size {n}");
        }
        for (n, want) in expected.iter().enumerate() {
            assert_eq!(&root_of(n), want, "size {n}");
        }
    }

    #[test]
    fn checkpoints_round_trip_and_signatures_verify() {
        let key = NoteKey::generate("ana.example").unwrap();
        let mut cp = Checkpoint {
            origin: "claimtrail.local/abc".into(),
            size: 42,
            root: [7; 32],
            signatures: vec![],
        };
        key.sign(&mut cp);
        let text = cp.text();
        assert!(text.starts_with("claimtrail.local/abc\n42\nBwcH"), "{text}");
        assert!(text.contains("\n\n— ana.example "), "{text}");
        let parsed = Checkpoint::parse(&text).unwrap();
        assert_eq!(parsed, cp);
        assert_eq!(
            check_signature(&parsed, &key.verifier()),
            Ok(SignatureCheck::Valid)
        );
        // The key file round-trips.
        let again = NoteKey::parse_private(&key.to_private_text()).unwrap();
        assert_eq!(again.verifier(), key.verifier());
        // Another key: no signature by it. A changed size: the signature fails.
        let other = NoteKey::generate("ben.example").unwrap();
        assert_eq!(
            check_signature(&parsed, &other.verifier()),
            Ok(SignatureCheck::Missing)
        );
        let forged = Checkpoint::parse(&text.replacen("\n42\n", "\n43\n", 1)).unwrap();
        assert_eq!(
            check_signature(&forged, &key.verifier()),
            Ok(SignatureCheck::Invalid)
        );
    }

    #[test]
    fn malformed_checkpoints_are_refused() {
        for bad in [
            "",
            "origin\n",
            "o\nx\nAAAA\n",
            "o\n1\nnot base64!\n",
            "o\n-1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n",
            "o\n1\nBwcH\n",
        ] {
            assert!(Checkpoint::parse(bad).is_err(), "{bad:?}");
        }
        let good = "o\n1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n";
        assert_eq!(Checkpoint::parse(good).unwrap().size, 1);
        assert!(Checkpoint::parse(&format!("{good}\nno dash line\n")).is_err());
    }
}
