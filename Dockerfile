# syntax=docker/dockerfile:1.7
# PromptOps: one static-ish Rust binary with the web app embedded.
#
#   docker build -t promptops:dev .
#   docker run --rm -p 8080:8080 -v promptops-data:/data promptops:dev
#
# Stage 1 builds the binary (Rust + Node 20: server/build.rs runs `npm ci && npm run bundle`
# in frontend/ and embeds the result). Stage 2 is distroless/cc (glibc, libgcc; no shell, no
# package manager), running as the distroless `nonroot` user (65532).

ARG RUST_VERSION=1.95
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS node

FROM rust:${RUST_VERSION}-bookworm AS builder
# Node 20 and npm from the official image (same Debian release, so the same glibc).
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
WORKDIR /src
COPY . .
# The web app must be embedded: an image without it would serve the "how to build" page.
ENV PROMPTOPS_SKIP_WEB="" \
    CARGO_TERM_COLOR=never \
    npm_config_fund=false \
    npm_config_audit=false \
    npm_config_update_notifier=false
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/root/.npm \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p promptops \
 && install -D -m 0755 target/release/promptops /out/usr/local/bin/promptops \
 && install -d -m 0750 /out/data \
 && /out/usr/local/bin/promptops --version

FROM gcr.io/distroless/cc-debian12:nonroot AS runtime
LABEL org.opencontainers.image.title="promptops" \
      org.opencontainers.image.description="Prompts under version control, behind one GraphQL API" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=builder /out/usr/local/bin/promptops /usr/local/bin/promptops
COPY --from=builder --chown=65532:65532 /out/data /data
# `serve` and `worker` read every PROMPTOPS_* setting from the environment (README
# "Configuration"); the data dir holds the SQLite database in embedded mode, and the
# generated JWT secret and master key when none is configured.
ENV PROMPTOPS_DATA_DIR=/data
WORKDIR /data
VOLUME ["/data"]
USER 65532:65532
EXPOSE 8080
# No HEALTHCHECK: there is no shell or curl in the image. Orchestrators probe
# GET /healthz (process up) and GET /readyz (database and Redis reachable) on port 8080.
ENTRYPOINT ["promptops"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
