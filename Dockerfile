# syntax=docker/dockerfile:1

# One image for every role (`sellmigrate worker`, `sellmigrate sim`, ...); the role is
# the command. Built by docker-compose.yml.

# Build stage. golang:1.26 follows the newest 1.26.x; go.mod needs 1.26.8 or later and the
# official image sets GOTOOLCHAIN=local, so an older toolchain fails loudly rather than
# downloading another one.
FROM golang:1.26 AS build
WORKDIR /src
# Modules in their own layer: it is rebuilt only when go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# SQLite is pure Go (modernc.org/sqlite), so the binary is static and needs no libc.
# -tags lean leaves out `dev` and `bench` and with them the embedded Temporal server and
# Web UI: the roles the image runs (worker, api, sim) never need them.
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -tags lean -o /out/sellmigrate ./cmd/sellmigrate

# Runtime stage. debian:bookworm-slim rather than distroless: the compose healthchecks of
# the simulator, the worker and the API need an HTTP client (curl), and the worker and
# the API need CA certificates to reach https://*.zendesk.com and https://api.getbase.com
# in production.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 65532 sellmigrate \
    && useradd --system --uid 65532 --gid 65532 --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin sellmigrate \
    && install -d -o 65532 -g 65532 -m 0750 /data
COPY --from=build /out/sellmigrate /sellmigrate

# /data holds the simulator's SQLite file (sim.db). docker-compose.yml mounts a named
# volume there; it is not declared with VOLUME so that worker containers, which keep no
# state, do not each leave an anonymous volume behind.
ENV SELLMIGRATE_SIM_DATA_DIR=/data
WORKDIR /data
USER 65532:65532
# The HTTP API and dashboard (`api`), the simulator (`sim`).
EXPOSE 8080 8081
ENTRYPOINT ["/sellmigrate"]
