//! Where a request came from: the client's address and whether their browser used HTTPS, from the
//! connection, or from `X-Forwarded-For` and `X-Forwarded-Proto` when the connection comes from a
//! proxy the operator trusts (`--trusted-proxies`). Headers from anyone else are ignored: they
//! could claim any address, and escape the throttling of sign-in guesses with it.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request};
use trellis_app::Config;

/// The client as far as this server can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// The client's address: the peer's, or the one a trusted proxy forwarded for.
    pub ip: Option<IpAddr>,
    /// The browser used HTTPS: this server speaks TLS, or a trusted proxy says so.
    pub https: bool,
}

impl Origin {
    /// Plain HTTP from another machine: the browser will not keep the `Secure` sign-in cookies
    /// (only loopback addresses are exempt), so signing in cannot work.
    pub fn plain_http_from_afar(&self) -> bool {
        !self.https
            && self
                .ip
                .is_some_and(|ip| !ip.is_loopback() && !is_mapped_loopback(ip))
    }
}

fn is_mapped_loopback(ip: IpAddr) -> bool {
    matches!(ip, IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()))
}

/// The origin of a request, from its peer address (when served over a socket) and headers.
pub fn origin(peer: Option<IpAddr>, headers: &HeaderMap, config: &Config) -> Origin {
    let trusted = |ip: IpAddr| config.trusted_proxies.iter().any(|r| r.contains(ip));
    let Some(peer) = peer else {
        return Origin {
            ip: None,
            https: config.tls,
        };
    };
    if !trusted(peer) {
        return Origin {
            ip: Some(peer),
            https: config.tls,
        };
    }
    // Each proxy appends the address it saw: read from the right, past our own proxies, to the
    // first address none of them is (anything further left was written by the client).
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    let ip = forwarded
        .iter()
        .rev()
        .find(|ip| !trusted(**ip))
        .or(forwarded.first())
        .copied()
        .unwrap_or(peer);
    // The proxy nearest us says last what the browser spoke.
    let proto_https = headers
        .get_all("x-forwarded-proto")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .next_back()
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    Origin {
        ip: Some(ip),
        https: config.tls || proto_https,
    }
}

/// The peer address of a request served over a socket (absent in tests that drive the router).
pub fn peer<B>(req: &Request<B>) -> Option<IpAddr> {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn config(proxies: &[&str]) -> Config {
        Config {
            trusted_proxies: proxies.iter().map(|p| p.parse().unwrap()).collect(),
            ..Config::default()
        }
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn forwarded_headers_count_only_from_trusted_proxies() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let sent = headers(&[
            ("x-forwarded-for", "198.51.100.1, 203.0.113.9"),
            ("x-forwarded-proto", "https"),
        ]);
        // From anyone: the peer, over plain HTTP.
        let o = origin(Some(ip("192.0.2.50")), &sent, &config(&[]));
        assert_eq!(
            o,
            Origin {
                ip: Some(ip("192.0.2.50")),
                https: false
            }
        );
        assert!(o.plain_http_from_afar());
        // From a trusted proxy: the nearest address it did not add itself, and its protocol.
        let o = origin(Some(ip("10.0.0.2")), &sent, &config(&["10.0.0.0/8"]));
        assert_eq!(
            o,
            Origin {
                ip: Some(ip("203.0.113.9")),
                https: true
            }
        );
        assert!(!o.plain_http_from_afar());
        // Two trusted proxies in a row are both skipped.
        let chained = headers(&[("x-forwarded-for", "203.0.113.9, 10.0.0.7")]);
        let o = origin(Some(ip("10.0.0.2")), &chained, &config(&["10.0.0.0/8"]));
        assert_eq!(o.ip, Some(ip("203.0.113.9")));
        assert!(o.plain_http_from_afar(), "no X-Forwarded-Proto: plain HTTP");
        // No header: the proxy itself.
        let o = origin(
            Some(ip("10.0.0.2")),
            &HeaderMap::new(),
            &config(&["10.0.0.0/8"]),
        );
        assert_eq!(o.ip, Some(ip("10.0.0.2")));
        // Loopback is exempt; TLS on the server makes everything HTTPS.
        assert!(
            !origin(Some(ip("127.0.0.1")), &HeaderMap::new(), &config(&[])).plain_http_from_afar()
        );
        assert!(!origin(Some(ip("::1")), &HeaderMap::new(), &config(&[])).plain_http_from_afar());
        let tls = Config {
            tls: true,
            ..Config::default()
        };
        assert!(origin(Some(ip("192.0.2.50")), &HeaderMap::new(), &tls).https);
    }
}
