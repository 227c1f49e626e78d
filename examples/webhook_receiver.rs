//! A webhook receiver for the delivery benchmark: answers 204, verifies every
//! signature, counts distinct messages, and once none has come for two seconds
//! prints how many arrived and at what rate, then exits.
//!
//! `webhook_receiver PORT SECRET` (the secret of the subscription, `whsec_…`)

// A benchmark tool: a failure stops the run with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, Mac};
use sha2::Sha256;

#[derive(Default)]
struct Tally {
    ids: HashSet<String>,
    requests: u64,
    bad_signatures: u64,
    first: Option<Instant>,
    last: Option<Instant>,
}

fn verifies(key: &[u8], req: &HttpRequest, body: &[u8]) -> bool {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return false;
    };
    mac.update(format!("{}.{}.", header("webhook-id"), header("webhook-timestamp")).as_bytes());
    mac.update(body);
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    header("webhook-signature")
        .split(' ')
        .any(|s| s == expected)
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(port), Some(secret)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: webhook_receiver PORT SECRET");
        std::process::exit(2);
    };
    let port: u16 = port.parse().expect("a port number");
    let key = STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .expect("a whsec_ secret");
    let tally = Arc::new(Mutex::new(Tally::default()));
    actix_web::rt::System::new().block_on(async move {
        let (key, shared) = (Arc::new(key), tally.clone());
        let server = HttpServer::new(move || {
            let (key, tally) = (key.clone(), shared.clone());
            App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                let (key, tally) = (key.clone(), tally.clone());
                async move {
                    let good = verifies(&key, &req, &body);
                    let id = req
                        .headers()
                        .get("webhook-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_string();
                    let mut t = tally.lock().expect("the tally");
                    let now = Instant::now();
                    t.requests += 1;
                    t.first.get_or_insert(now);
                    t.last = Some(now);
                    if !good {
                        t.bad_signatures += 1;
                        return HttpResponse::Unauthorized().finish();
                    }
                    t.ids.insert(id);
                    HttpResponse::NoContent().finish()
                }
            }))
        })
        .workers(1)
        .bind(("127.0.0.1", port))?
        .run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        loop {
            actix_web::rt::time::sleep(Duration::from_millis(200)).await;
            let t = tally.lock().expect("the tally");
            if t.last
                .is_some_and(|last| last.elapsed() > Duration::from_secs(2))
            {
                let span = t.last.zip(t.first).map(|(l, f)| l - f).unwrap_or_default();
                let rate = t.ids.len().saturating_sub(1) as f64 / span.as_secs_f64().max(1e-9);
                println!(
                    "{} messages ({} requests, {} bad signatures) in {:.2} s: {:.0} messages/s",
                    t.ids.len(),
                    t.requests,
                    t.bad_signatures,
                    span.as_secs_f64(),
                    rate
                );
                break;
            }
        }
        handle.stop(false).await;
        Ok(())
    })
}
