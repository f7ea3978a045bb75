# syntax=docker/dockerfile:1
#
# uredis-server container image.
#
# !!! IMPORTANT: io_uring and Docker's seccomp profile !!!
# ----------------------------------------------------------------------------------------
# uredis runs on io_uring, and Docker's DEFAULT SECCOMP PROFILE BLOCKS the io_uring system
# calls (io_uring_setup, io_uring_enter, io_uring_register). With the default profile the
# server cannot create its ring and exits at start-up. Run it with:
#
#     docker run --security-opt seccomp=unconfined -p 6379:6379 -v uredis-data:/data uredis
#
# or, better, with a copy of Docker's default profile that also allows io_uring_setup,
# io_uring_enter and io_uring_register:
#
#     docker run --security-opt seccomp=/path/to/default-plus-io_uring.json ...
#
# (Kubernetes: securityContext.seccompProfile of type Unconfined, or Localhost with such a
# profile.) The host kernel must support io_uring (Linux 6.1+ recommended) and must not have
# it disabled (sysctl kernel.io_uring_disabled = 0).
# ----------------------------------------------------------------------------------------
#
# Build:  docker build -t uredis .
# The build uses BuildKit cache mounts (default builder since Docker 23) for the cargo registry
# and the target directory, so rebuilds after a source change do not refetch dependencies.

############################ builder ############################
FROM rust:1-bookworm AS builder
WORKDIR /src

# The whole source tree (see .dockerignore: no target/, no .git). Cargo.lock is honoured
# exactly (--locked): the image is built from the same dependency versions as CI.
COPY . .

RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release --locked --bin uredis-server \
    && install -D -m 0755 target/release/uredis-server /out/uredis-server

############################ runtime ############################
FROM debian:bookworm-slim

# Only glibc is needed at run time (io_uring is used through raw system calls, no liburing).
# A fixed, unprivileged user; /data is its working directory and the dump/AOF directory.
RUN groupadd --system --gid 999 uredis \
    && useradd --system --uid 999 --gid uredis --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin uredis \
    && mkdir -p /data \
    && chown uredis:uredis /data

COPY --from=builder /out/uredis-server /usr/local/bin/uredis-server

VOLUME ["/data"]
WORKDIR /data
USER uredis:uredis
EXPOSE 6379

# The server handles SIGTERM itself (graceful shutdown), so it can run as PID 1.
STOPSIGNAL SIGTERM
ENTRYPOINT ["uredis-server"]
# Protected mode refuses clients from other addresses while the default user has no password;
# inside a container every client comes from another address, so it is turned off here, as
# the official redis image does. Set a password (--requirepass / an aclfile) for any network
# that is not private to you, or pass your own redis.conf.
CMD ["--bind", "0.0.0.0", "--port", "6379", "--dir", "/data", "--protected-mode", "no"]
