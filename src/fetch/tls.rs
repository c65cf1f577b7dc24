//! The one TLS set-up of every connection liqshot makes (the venues' REST APIs through reqwest,
//! their websocket streams through tungstenite): rustls on the `ring` crypto provider, server
//! certificates checked against the system's trust store (rustls-platform-verifier).

use std::sync::{Arc, OnceLock};

/// The shared client configuration, built on first use (the system's root certificates are
/// read once per run); the error says why it could not be built (no root certificates found).
pub(crate) fn client_config() -> Result<Arc<rustls::ClientConfig>, String> {
    static CONFIG: OnceLock<Result<Arc<rustls::ClientConfig>, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            use rustls_platform_verifier::BuilderVerifierExt;
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .and_then(|b| b.with_platform_verifier())
                .map_err(|e| format!("TLS set-up failed: {e}"))?
                .with_no_client_auth();
            Ok(Arc::new(config))
        })
        .clone()
}
