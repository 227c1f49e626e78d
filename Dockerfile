# Waymark: multi-stage build. The dependency layer is cached apart from the sources,
# the release build matches `cargo build --release --locked` in .ci/run, and the
# runtime image is slim Debian with a non-root user.

FROM rust:1.95-slim-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends pkg-config libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src

# Dependencies only: a stub crate with the real manifest, cached until it changes.
COPY Cargo.toml Cargo.lock ./
COPY .cargo .cargo
RUN mkdir src \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs \
 && cargo build --release --locked \
 && rm -rf src

COPY src src
COPY migrations migrations
COPY seeds seeds
COPY templates templates
RUN touch src/main.rs src/lib.rs && cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libssl3 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/waymark --shell /usr/sbin/nologin waymark \
 && mkdir -p /var/lib/waymark \
 && chown waymark:waymark /var/lib/waymark
COPY --from=build /src/target/release/waymark /usr/local/bin/waymark

USER waymark
WORKDIR /var/lib/waymark
ENV WAYMARK_HOST=0.0.0.0 \
    WAYMARK_PORT=8080 \
    DATABASE_URL=sqlite:///var/lib/waymark/waymark.db \
    RUST_LOG=info
VOLUME ["/var/lib/waymark"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["waymark"]
CMD ["serve"]
