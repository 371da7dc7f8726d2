# livecode's image: the one binary on Debian slim with bubblewrap and the toolchains selected by
# TOOLCHAINS (Debian package names). `livecode serve` by default; `api` and `worker` for the
# distributed mode (see compose.yaml). The worker container needs the settings in compose.yaml.
ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w ${VERSION:+-X livecode/internal/cli.Version=${VERSION}}" \
      -o /out/livecode ./cmd/livecode

FROM debian:bookworm-slim
# The languages this image runs: add e.g. "gcc g++ golang-go default-jdk-headless ruby php-cli
# perl lua5.4 rustc" for the whole set `make toolchains` installs.
ARG TOOLCHAINS="python3 nodejs"
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      bubblewrap ca-certificates ${TOOLCHAINS} \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/livecode /usr/local/bin/livecode
COPY deploy/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV DATABASE_URL=sqlite:/var/lib/livecode/livecode.db \
    WORK_DIR=/var/lib/livecode/runs \
    COMPILE_CACHE_DIR=/var/cache/livecode/compile
VOLUME ["/var/lib/livecode", "/var/cache/livecode"]
EXPOSE 3000
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["serve"]
