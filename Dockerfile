# liqshot in a container: a release build in the Rust image, run from a small Debian image as a
# non-root user with the history cache on a volume. See docs/fleet.md.
#
#   docker build -t liqshot .
#   docker run --rm -v liqshot-cache:/var/cache/liqshot -v "$PWD/out:/out" liqshot \
#     render --symbol BTC,ETH,SOL -o "/out/{symbol}.png" --shard 0/2

FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
# The registry and target directory are BuildKit caches: a rebuild after a source change
# compiles liqshot only. --locked: exactly the dependencies of Cargo.lock.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin liqshot \
    && install -D -m 0755 target/release/liqshot /out/liqshot

FROM debian:bookworm-slim
# ca-certificates: the venues are reached over HTTPS and WSS (rustls with the system roots).
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 liqshot \
    && useradd --system --uid 10001 --gid 10001 --home-dir /home/liqshot --create-home liqshot \
    && install -d -o 10001 -g 10001 -m 0755 /var/cache/liqshot /out
COPY --from=build /out/liqshot /usr/local/bin/liqshot
# The cache of fetched history (and of `liqshot record`'s journals): keep it between runs, one
# per shard, so each shard fetches only what is new. Outputs: mount a directory at /out.
ENV LIQSHOT_CACHE_DIR=/var/cache/liqshot
VOLUME ["/var/cache/liqshot"]
USER 10001:10001
WORKDIR /out
ENTRYPOINT ["liqshot"]
CMD ["--help"]
