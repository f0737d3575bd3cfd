//! Helpers shared by the in-process test binaries: one signing key and one runtime per
//! binary (an RSA key takes ~100 ms to generate; a mock starts in microseconds).

use std::sync::{Arc, OnceLock};

use myid_conformance::mock::keys::SigningKey;

/// The key every in-process mock of this test binary signs with.
pub fn key() -> Arc<SigningKey> {
    static KEY: OnceLock<Arc<SigningKey>> = OnceLock::new();
    KEY.get_or_init(|| Arc::new(SigningKey::generate().unwrap()))
        .clone()
}

/// A current-thread runtime for driving async code from proptest's sync closures.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    })
}
