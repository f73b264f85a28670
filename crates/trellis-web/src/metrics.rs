//! What `/metrics` tells a Prometheus scraper, in its text format (version 0.0.4), written by hand:
//! requests by method, route and status, a latency histogram by route, the database pool's
//! connections, and the length of the queue of read audit events not yet written.
//!
//! Labels come from the route table (the pattern, never the path, so ids stay out of them), from a
//! fixed list of methods and from the status code: their number is bounded whatever is sent.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

use axum::http::Method;

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Debug, Default, Clone)]
struct Histogram {
    /// Observations at most each bound (not cumulative; summed when written).
    buckets: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

/// The counters every request adds to.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(&'static str, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
}

/// What the server knows of its resources when scraped.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gauges {
    pub pool_in_use: u32,
    pub pool_idle: u32,
    pub pool_max: u32,
    pub audit_queue: usize,
}

/// A method as a label: the standard ones by name, anything else as `other`.
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// A label value with `\`, `"` and line breaks escaped, as the text format wants.
fn escaped(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    /// Counts one answered request. `route` is the route table's pattern, `None` when nothing was
    /// routed.
    pub fn observe(&self, method: &Method, route: Option<&str>, status: u16, took: Duration) {
        let route = route.unwrap_or("(unmatched)").to_owned();
        if let Ok(mut r) = self.requests.lock() {
            *r.entry((method_label(method), route.clone(), status))
                .or_default() += 1;
        }
        let secs = took.as_secs_f64();
        if let Ok(mut l) = self.latency.lock() {
            let h = l.entry(route).or_default();
            if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
                h.buckets[i] += 1;
            }
            h.sum += secs;
            h.count += 1;
        }
    }

    /// Everything, in the Prometheus text format.
    pub fn render(&self, gauges: Gauges) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP trellis_http_requests_total Requests answered, by method, route and status.\n\
             # TYPE trellis_http_requests_total counter\n",
        );
        if let Ok(r) = self.requests.lock() {
            for ((method, route, status), n) in r.iter() {
                let _ = writeln!(
                    out,
                    "trellis_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                    escaped(route)
                );
            }
        }
        out.push_str(
            "# HELP trellis_http_request_duration_seconds Time to answer a request, by route.\n\
             # TYPE trellis_http_request_duration_seconds histogram\n",
        );
        let latency = self.latency.lock().map(|l| l.clone()).unwrap_or_default();
        for (route, h) in &latency {
            let route = escaped(route);
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(h.buckets) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "trellis_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "trellis_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\n\
                 trellis_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\n\
                 trellis_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count, h.sum, h.count
            );
        }
        let _ = write!(
            out,
            "# HELP trellis_db_pool_connections Database connections of the pool, by state.\n\
             # TYPE trellis_db_pool_connections gauge\n\
             trellis_db_pool_connections{{state=\"in_use\"}} {}\n\
             trellis_db_pool_connections{{state=\"idle\"}} {}\n\
             # HELP trellis_db_pool_max_connections The most connections the pool opens.\n\
             # TYPE trellis_db_pool_max_connections gauge\n\
             trellis_db_pool_max_connections {}\n\
             # HELP trellis_audit_queue_length Audit events of reads waiting to be written.\n\
             # TYPE trellis_audit_queue_length gauge\n\
             trellis_audit_queue_length {}\n",
            gauges.pool_in_use, gauges.pool_idle, gauges.pool_max, gauges.audit_queue
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_latency_are_written_in_the_text_format() {
        let m = Metrics::default();
        let ms = Duration::from_millis;
        m.observe(&Method::GET, Some("/people/{id}"), 200, ms(3));
        m.observe(&Method::GET, Some("/people/{id}"), 200, ms(30));
        m.observe(&Method::GET, Some("/people/{id}"), 404, ms(20_000));
        m.observe(&Method::from_bytes(b"BREW").unwrap(), None, 405, ms(1));
        let text = m.render(Gauges {
            pool_in_use: 1,
            pool_idle: 3,
            pool_max: 8,
            audit_queue: 7,
        });
        for line in [
            "trellis_http_requests_total{method=\"GET\",route=\"/people/{id}\",status=\"200\"} 2",
            "trellis_http_requests_total{method=\"GET\",route=\"/people/{id}\",status=\"404\"} 1",
            "trellis_http_requests_total{method=\"other\",route=\"(unmatched)\",status=\"405\"} 1",
            "trellis_http_request_duration_seconds_bucket{route=\"/people/{id}\",le=\"0.005\"} 1",
            "trellis_http_request_duration_seconds_bucket{route=\"/people/{id}\",le=\"0.05\"} 2",
            "trellis_http_request_duration_seconds_bucket{route=\"/people/{id}\",le=\"10\"} 2",
            "trellis_http_request_duration_seconds_bucket{route=\"/people/{id}\",le=\"+Inf\"} 3",
            "trellis_http_request_duration_seconds_count{route=\"/people/{id}\"} 3",
            "trellis_db_pool_connections{state=\"in_use\"} 1",
            "trellis_db_pool_max_connections 8",
            "trellis_audit_queue_length 7",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line}\n{text}");
        }
        // Every sample line is `name{labels} value` or `name value`, with a number as the value.
        for l in text.lines().filter(|l| !l.starts_with('#')) {
            let value = l.rsplit(' ').next().unwrap();
            assert!(value.parse::<f64>().is_ok(), "{l}");
        }
        assert_eq!(escaped("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
