# syntax=docker/dockerfile:1

# One image for every role (`sellmigrate worker`, `sellmigrate sim`, ...); the role is
# the command. Built by docker-compose.yml.
#
# Base images are pinned by digest, so a rebuild of the same commit uses the same bases
# and a retagged image cannot slip in. The digests are those public Dockerfiles pin
# for these tags (e.g. github.com/kubeswift-io/kubeswift-spin's Dockerfile pins both);
# to move to a newer base, look its digest up and change tag and digest together:
#   crane digest golang:1.26.8-bookworm
#   crane digest gcr.io/distroless/static-debian12:nonroot

# Build stage. go.mod needs 1.26.8 or later and the official image sets
# GOTOOLCHAIN=local, so an older toolchain fails loudly rather than downloading another.
FROM golang:1.26.8-bookworm@sha256:a688600ca24f8a4d3ca77f95b0dd40704a9fc787c826660eb7ba0b641b8b175d AS build
WORKDIR /src
# Modules in their own layer: it is rebuilt only when go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# SQLite is pure Go (modernc.org/sqlite), so with CGO_ENABLED=0 the binary is static and
# needs no libc: the distroless static image below has none. -tags lean leaves out `dev`
# and `bench` and with them the embedded Temporal server and Web UI: the roles the image
# runs (worker, api, sim) never need them.
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -tags lean -o /out/sellmigrate ./cmd/sellmigrate \
    && mkdir -p /out/data

# Runtime stage: distroless static, as the nonroot user (uid and gid 65532). No shell,
# no package manager, no curl: the compose healthchecks run `sellmigrate probe URL`. It
# carries the CA certificates the worker and the API need for https://*.zendesk.com and
# https://api.getbase.com, and /etc/passwd with the nonroot user.
FROM gcr.io/distroless/static-debian12:nonroot@sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab
COPY --from=build /out/sellmigrate /sellmigrate
# /data holds the simulator's SQLite file (sim.db). The image has no mkdir, so the empty
# directory comes from the build stage, owned by nonroot; a named volume mounted there
# (docker-compose.yml) starts with that owner. It is not declared with VOLUME so that
# worker containers, which keep no state, do not each leave an anonymous volume behind.
COPY --from=build --chown=65532:65532 /out/data /data
ENV SELLMIGRATE_SIM_DATA_DIR=/data
WORKDIR /data
USER 65532:65532
# The HTTP API and dashboard (`api`), the simulator (`sim`).
EXPOSE 8080 8081
ENTRYPOINT ["/sellmigrate"]
