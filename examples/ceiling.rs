//! The benchmark's ceiling: the least an actix-web server can do for a GET, a
//! fixed JSON body of a given size with an ETag, on the same runtime and worker
//! count as Waymark. Measured in the same run as Waymark's figures, so that each
//! of those can be read as a share of what this machine allows at that moment.
//!
//! `ceiling PORT BYTES`: answers every request with a JSON body of BYTES bytes.

// A benchmark tool: a failure stops the run with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::{http::header, web, App, HttpResponse, HttpServer};

/// `{"pad":"xxx…"}` padded to exactly `bytes` (at least the 10 bytes of an
/// empty pad).
fn body_of(bytes: usize) -> String {
    let frame = r#"{"pad":""}"#.len();
    format!(r#"{{"pad":"{}"}}"#, "x".repeat(bytes.saturating_sub(frame)))
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(Ok(port)), Some(Ok(bytes))) = (
        args.get(1).map(|p| p.parse::<u16>()),
        args.get(2).map(|b| b.parse::<usize>()),
    ) else {
        eprintln!("usage: ceiling PORT BYTES");
        std::process::exit(2);
    };
    let body = web::Bytes::from(body_of(bytes));
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || {
            let body = body.clone();
            App::new().default_service(web::to(move || {
                let body = body.clone();
                async move {
                    HttpResponse::Ok()
                        .content_type("application/json")
                        .insert_header((header::ETAG, "\"1\""))
                        .body(body)
                }
            }))
        })
        .bind(("127.0.0.1", port))?
        .run();
        println!("ceiling listening on 127.0.0.1:{port}, {bytes}-byte bodies");
        server.await
    })
}
