//! Request counts and latency histograms by route pattern, method and status, in
//! the Prometheus text format.

use std::{collections::BTreeMap, fmt::Write, sync::Mutex, time::Duration};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    route: String,
    method: String,
    status: u16,
}

#[derive(Debug, Default)]
struct Series {
    count: u64,
    sum_seconds: f64,
    /// Not cumulative; summed when rendered.
    buckets: [u64; BUCKETS.len()],
}

#[derive(Debug, Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<Key, Series>>,
}

impl Metrics {
    /// Records one request. `route` is the matched pattern (`/api/v1/owners/{id}`),
    /// never the raw path, so ids do not multiply the series.
    pub fn record(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let key = Key {
            route: route.to_string(),
            method: method.to_string(),
            status,
        };
        let Ok(mut series) = self.series.lock() else {
            return;
        };
        let entry = series.entry(key).or_default();
        entry.count += 1;
        entry.sum_seconds += seconds;
        if let Some(i) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            entry.buckets[i] += 1;
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let Ok(series) = self.series.lock() else {
            return out;
        };
        out.push_str("# HELP waymark_http_requests_total HTTP requests answered.\n");
        out.push_str("# TYPE waymark_http_requests_total counter\n");
        for (key, s) in series.iter() {
            let _ = writeln!(
                out,
                "waymark_http_requests_total{{{}}} {}",
                labels(key),
                s.count
            );
        }
        out.push_str(
            "# HELP waymark_http_request_duration_seconds Time to answer HTTP requests.\n",
        );
        out.push_str("# TYPE waymark_http_request_duration_seconds histogram\n");
        for (key, s) in series.iter() {
            let labels = labels(key);
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(s.buckets) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "waymark_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "waymark_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "waymark_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum_seconds
            );
            let _ = writeln!(
                out,
                "waymark_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        out
    }
}

fn labels(key: &Key) -> String {
    format!(
        "method=\"{}\",route=\"{}\",status=\"{}\"",
        escape(&key.method),
        escape(&key.route),
        key.status
    )
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_lands_in_its_bucket_and_the_buckets_accumulate() {
        let m = Metrics::default();
        m.record("/healthz", "GET", 200, Duration::from_millis(3));
        m.record("/healthz", "GET", 200, Duration::from_secs(7));
        let text = m.render();
        let labels = "method=\"GET\",route=\"/healthz\",status=\"200\"";
        assert!(text.contains(&format!("waymark_http_requests_total{{{labels}}} 2")));
        assert!(text.contains(&format!("_bucket{{{labels},le=\"0.0025\"}} 0")));
        assert!(text.contains(&format!("_bucket{{{labels},le=\"0.005\"}} 1")));
        assert!(text.contains(&format!("_bucket{{{labels},le=\"5\"}} 1")));
        assert!(text.contains(&format!("_bucket{{{labels},le=\"+Inf\"}} 2")));
    }
}
